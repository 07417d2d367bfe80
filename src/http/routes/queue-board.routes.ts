import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RateLimiter } from '../../auth/rate-limiter.js';
import type { Container } from '../../container.js';
import { AppError } from '../../domain/errors.js';
import { BullMqQueue } from '../../infra/bullmq-queue.js';
import { ADMIN_SESSION_TTL_SECONDS, AdminSessions } from '../../operations/admin-session.service.js';
import { authorizationOf, limitFailedAuthentications } from '../auth.js';
import { logFailedAnswer, sendProblem, toProblem } from '../error-handler.js';

export const BOARD_PATH = '/admin/queues';
const COOKIE = 'lucro_admin_session';
const hidden = { schema: { hide: true } };

/** The session token from the request's Cookie header, if any. */
function sessionCookie(request: FastifyRequest): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === COOKIE && value.length > 0) return value.join('=');
  }
  return undefined;
}

/** HttpOnly (no script reads it), SameSite=Strict (no other site sends it), scoped to the board. */
function setSessionCookie(request: FastifyRequest, reply: FastifyReply, token: string, maxAge: number): void {
  const secure = request.protocol === 'https' || request.headers['x-forwarded-proto'] === 'https' ? '; Secure' : '';
  reply.header('Set-Cookie', `${COOKIE}=${token}; Path=${BOARD_PATH}; Max-Age=${maxAge}; HttpOnly; SameSite=Strict${secure}`);
}

/** Where an operator pastes the admin key once; the page trades it for the session cookie and opens the board. */
const LOGIN_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Lucro queue board: sign in</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: system-ui, sans-serif; max-width: 32rem; margin: 4rem auto">
<h1>Lucro queue board</h1>
<p>Paste an API key with the <code>admin</code> scope (<code>lucro keys create --integration ops --scopes admin</code>).
It is sent once and traded for a ${ADMIN_SESSION_TTL_SECONDS / 60}-minute session cookie; it is not stored in the browser.</p>
<form id="login"><input id="key" type="password" autocomplete="off" required style="width: 100%" placeholder="lucro_…">
<p><button type="submit">Open the board</button> <span id="error" role="alert" style="color: #b00"></span></p></form>
<script>
document.getElementById('login').addEventListener('submit', async (event) => {
  event.preventDefault();
  const key = document.getElementById('key');
  const response = await fetch('${BOARD_PATH}/session', { method: 'POST', headers: { Authorization: 'Bearer ' + key.value.trim() } });
  key.value = '';
  if (response.ok) location.assign('${BOARD_PATH}');
  else document.getElementById('error').textContent = (await response.json()).detail;
});
</script></body></html>`;

export interface QueueBoardOptions {
  container: Container;
  /** The API's count of failed authentications per address, which the board's keys and sessions add to. */
  failuresPerAddress: RateLimiter<string>;
}

/**
 * The queue board at /admin/queues (ADMIN_UI=true): Bull Board over the BullMQ queue, behind the
 * `admin` scope, given either as a Bearer key or as the session cookie that key was traded for.
 */
export async function queueBoardPlugin(app: FastifyInstance, { container, failuresPerAddress }: QueueBoardOptions): Promise<void> {
  const sessions = new AdminSessions(container.pool, container.auth);
  // Keys and sessions are checked as the API's gate checks keys.
  const limited = <T>(request: FastifyRequest, check: () => Promise<T>): Promise<T> => limitFailedAuthentications(failuresPerAddress, request.ip, check);

  app.get(`${BOARD_PATH}/login`, hidden, async (_request, reply) => reply.type('text/html; charset=utf-8').send(LOGIN_PAGE));

  app.post(`${BOARD_PATH}/session`, hidden, async (request, reply) => {
    const session = await limited(request, () => sessions.open(authorizationOf(request)));
    setSessionCookie(request, reply, session.token, ADMIN_SESSION_TTL_SECONDS);
    return { expires_at: session.expiresAt, board_url: BOARD_PATH };
  });

  app.delete(`${BOARD_PATH}/session`, hidden, async (request, reply) => {
    const token = sessionCookie(request);
    if (token) await sessions.close(token);
    setSessionCookie(request, reply, '', 0);
    return reply.code(204).send();
  });

  await app.register(async (board) => {
    // Answered here, not thrown: Bull Board's routes carry an error handler of their own.
    board.addHook('onRequest', async (request, reply) => {
      try {
        await limited(request, () => sessions.check(authorizationOf(request), sessionCookie(request)));
      } catch (error) {
        const wantsPage = request.method === 'GET' && (request.headers.accept ?? '').includes('text/html');
        if (error instanceof AppError && error.code === 'unauthorized' && wantsPage) return reply.redirect(`${BOARD_PATH}/login`, 303);
        // Everything else as the API answers it (a database outage is a 503); never Bull Board's
        // handler, which would echo the driver's message.
        const body = toProblem(error as FastifyError, request);
        logFailedAnswer(request, error, body);
        return sendProblem(reply, body);
      }
    });
    // Its routes are the board's, not the API's: kept out of /openapi.json.
    board.addHook('onRoute', (route) => {
      route.schema = { ...route.schema, hide: true };
    });

    if (container.queue instanceof BullMqQueue) {
      const adapter = new FastifyAdapter();
      createBullBoard({ queues: [new BullMQAdapter(container.queue.bullQueue)], serverAdapter: adapter, options: { uiConfig: { boardTitle: 'Lucro queues' } } });
      adapter.setBasePath(BOARD_PATH);
      await board.register(adapter.registerPlugin(), { prefix: BOARD_PATH });
    } else {
      board.get(BOARD_PATH, async (_request, reply) =>
        reply
          .type('text/plain; charset=utf-8')
          .send(
            'Nothing to show: REDIS_URL is unset, so enrichment jobs go through the in-process queue inside this process, which keeps no ' +
              'history to browse. Run with REDIS_URL (BullMQ) to see the queue here; `lucro status` shows the backlog either way.\n',
          ),
      );
    }
  });
}
