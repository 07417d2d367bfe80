import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { createContainer } from '../src/container.js';
import { buildApp } from '../src/http/app.js';
import { bearer, createTestContext, type TestContext } from './helpers/context.js';
import { testRedisUrl } from './helpers/processes.js';
import { TcpProxy } from './helpers/tcp-proxy.js';

const BOARD = '/admin/queues';
let board: TestContext;

beforeAll(async () => {
  board = await createTestContext({ ADMIN_UI: 'true', REDIS_URL: testRedisUrl(), QUEUE_PREFIX: `lucro-test-${randomBytes(4).toString('hex')}` });
});
afterAll(() => board.close());

/** The session cookie a successful exchange set, as a browser would send it back. */
function cookieFrom(setCookie: string | string[] | undefined): string {
  const header = String(Array.isArray(setCookie) ? setCookie[0] : setCookie);
  return header.split(';')[0] as string;
}

describe('the queue board with Redis (ADMIN_UI=true)', () => {
  it('when a key without the admin scope asks, then it is refused 403 forbidden, on the board and on the session exchange', async () => {
    const key = await board.key(['ingest', 'reports']);
    for (const request of [
      { method: 'GET' as const, url: BOARD },
      { method: 'GET' as const, url: `${BOARD}/api/queues` },
      { method: 'POST' as const, url: `${BOARD}/session` },
    ]) {
      const response = await board.app.inject({ ...request, headers: bearer(key) });
      expect(response.statusCode, request.url).toBe(403);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.json()).toMatchObject({ code: 'forbidden' });
      expect(response.headers['set-cookie']).toBeUndefined();
    }
  });

  it('when no key and no session are sent, then its API answers 401 and a browser is sent to the sign-in page', async () => {
    const api = await board.app.inject({ method: 'GET', url: `${BOARD}/api/queues` });
    expect(api.statusCode).toBe(401);
    expect(api.json()).toMatchObject({ code: 'unauthorized' });
    const page = await board.app.inject({ method: 'GET', url: BOARD, headers: { accept: 'text/html' } });
    expect(page.statusCode).toBe(303);
    expect(page.headers.location).toBe(`${BOARD}/login`);
    const login = await board.app.inject({ method: 'GET', url: `${BOARD}/login` });
    expect(login.statusCode).toBe(200);
    expect(login.body).toContain('admin');
  });

  it('when an admin key is sent as Bearer, then the board page and its API serve the enrichment queue', async () => {
    const key = await board.key(['admin'], 'operators');
    const page = await board.app.inject({ method: 'GET', url: BOARD, headers: bearer(key) });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    const queues = await board.app.inject({ method: 'GET', url: `${BOARD}/api/queues`, headers: bearer(key) });
    expect(queues.statusCode).toBe(200);
    expect(queues.json().queues.map((q: { name: string }) => q.name)).toEqual(['enrichment']);
  });

  it('when an admin key is exchanged for a session, then the HttpOnly SameSite=Strict cookie alone opens the board until signed out', async () => {
    const key = await board.key(['admin'], 'operators');
    const exchanged = await board.app.inject({ method: 'POST', url: `${BOARD}/session`, headers: bearer(key) });
    expect(exchanged.statusCode).toBe(200);
    expect(exchanged.json().board_url).toBe(BOARD);
    const setCookie = String(exchanged.headers['set-cookie']);
    expect(setCookie).toMatch(/^lucro_admin_session=[\w-]{43}; Path=\/admin\/queues; Max-Age=900; HttpOnly; SameSite=Strict$/);
    const cookie = cookieFrom(exchanged.headers['set-cookie']);

    const queues = await board.app.inject({ method: 'GET', url: `${BOARD}/api/queues`, headers: { cookie } });
    expect(queues.statusCode).toBe(200);
    // The page's scripts and styles load with the same cookie: it is scoped to the whole board.
    const asset = await board.app.inject({ method: 'GET', url: `${BOARD}/static/favicon-32x32.png`, headers: { cookie } });
    expect(asset.statusCode).toBe(200);
    const signedOut = await board.app.inject({ method: 'DELETE', url: `${BOARD}/session`, headers: { cookie } });
    expect(signedOut.statusCode).toBe(204);
    expect(String(signedOut.headers['set-cookie'])).toContain('Max-Age=0');
    const after = await board.app.inject({ method: 'GET', url: `${BOARD}/api/queues`, headers: { cookie } });
    expect(after.statusCode).toBe(401);
  });

  it('when two Authorization headers are sent, an admin key first, then the board refuses 400 as the API does, and opens no session', async () => {
    const key = await board.key(['admin'], 'operators');
    await board.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = board.app.server.address() as net.AddressInfo;
    const send = (text: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = net.connect(port, '127.0.0.1', () => socket.end(text));
        let answer = '';
        socket.setEncoding('utf8').on('data', (chunk: string) => (answer += chunk));
        socket.on('close', () => resolve(answer));
        socket.on('error', reject);
      });
    const headers = `Host: x\r\nAuthorization: Bearer ${key}\r\nAuthorization: Bearer lucro_not_this_one\r\nConnection: close\r\n`;
    for (const request of [`POST ${BOARD}/session HTTP/1.1\r\n${headers}Content-Length: 0\r\n\r\n`, `GET ${BOARD}/api/queues HTTP/1.1\r\n${headers}\r\n`]) {
      const answer = await send(request);
      expect(answer, request).toMatch(/^HTTP\/1\.1 400 /);
      expect(answer.toLowerCase()).not.toContain('set-cookie');
      expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toMatchObject({ code: 'invalid_parameter', errors: [{ pointer: '/headers/authorization' }] });
    }
  });

  it('when a forged session cookie is sent, then it is refused 401', async () => {
    const response = await board.app.inject({ method: 'GET', url: `${BOARD}/api/queues`, headers: { cookie: `lucro_admin_session=${randomBytes(32).toString('base64url')}` } });
    expect(response.statusCode).toBe(401);
  });

  it('when /openapi.json is read, then the board is not part of the API description', async () => {
    const paths = Object.keys((await board.app.inject({ method: 'GET', url: '/openapi.json' })).json().paths);
    expect(paths.filter((path) => path.startsWith('/admin'))).toEqual([]);
  });
});

describe('the queue board elsewhere', () => {
  it('when one address floods the board with unknown keys or forged session cookies, then it is answered 429 with Retry-After, as the API would', async () => {
    const limited = await createTestContext({ ADMIN_UI: 'true', AUTH_FAILURES_PER_SECOND: '2', REDIS_URL: testRedisUrl(), QUEUE_PREFIX: `lucro-test-${randomBytes(4).toString('hex')}` });
    try {
      for (const credentials of [
        () => bearer(`lucro_${randomBytes(32).toString('base64url').slice(0, 43)}`),
        () => ({ cookie: `lucro_admin_session=${randomBytes(32).toString('base64url')}` }),
      ]) {
        const statuses: number[] = [];
        for (let i = 0; i < 10; i++) {
          const response = await limited.app.inject({ method: 'GET', url: `${BOARD}/api/queues`, headers: credentials() });
          statuses.push(response.statusCode);
          if (response.statusCode === 429) expect(Number(response.headers['retry-after'])).toBeGreaterThanOrEqual(1);
        }
        expect(statuses.slice(0, 4)).toEqual([401, 401, 401, 401]);
        expect(statuses.slice(-3)).toEqual([429, 429, 429]);
        // The limit passes with its second.
        await new Promise((resolve) => setTimeout(resolve, 2_100));
      }
    } finally {
      await limited.close();
    }
  });

  it('when the database is unreachable, then the board answers 503 service_unavailable with Retry-After, and nothing of the driver', async () => {
    const target = new URL(board.db.url);
    const proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
    await proxy.start();
    const viaProxy = new URL(board.db.url);
    viaProxy.port = String(proxy.port);
    const container = await createContainer(
      loadConfig({ DATABASE_URL: viaProxy.toString(), LOG_LEVEL: 'silent', ADMIN_UI: 'true', REDIS_URL: testRedisUrl(), QUEUE_PREFIX: `lucro-test-${randomBytes(4).toString('hex')}` }),
    );
    const app = await buildApp(container);
    try {
      await proxy.refuse();
      for (const url of [BOARD, `${BOARD}/api/queues`]) {
        const response = await app.inject({ method: 'GET', url, headers: bearer(`lucro_${randomBytes(32).toString('base64url').slice(0, 43)}`) });
        expect(response.statusCode).toBe(503);
        expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(response.headers['retry-after']).toBe('5');
        expect(response.json()).toEqual({
          type: expect.any(String),
          title: expect.any(String),
          status: 503,
          code: 'service_unavailable',
          detail: 'The database is unreachable; retry shortly.',
        });
      }
    } finally {
      await app.close();
      await container.close();
      await proxy.close();
    }
  });

  it('when ADMIN_UI is not set, then /admin/queues does not exist, even for an admin key', async () => {
    const off = await createTestContext({ REDIS_URL: testRedisUrl() });
    try {
      const response = await off.app.inject({ method: 'GET', url: BOARD, headers: bearer(await off.key(['admin'])) });
      expect(response.statusCode).toBe(404);
    } finally {
      await off.close();
    }
  });

  it('when the queue is in-process, then the board says plainly that there is nothing to show', async () => {
    const inProcess = await createTestContext({ ADMIN_UI: 'true' });
    try {
      expect((await inProcess.app.inject({ method: 'GET', url: BOARD, headers: bearer(await inProcess.key(['reports'])) })).statusCode).toBe(403);
      const response = await inProcess.app.inject({ method: 'GET', url: BOARD, headers: bearer(await inProcess.key(['admin'])) });
      expect(response.statusCode).toBe(200);
      expect(response.body).toMatch(/^Nothing to show: REDIS_URL is unset/);
    } finally {
      await inProcess.close();
    }
  });
});
