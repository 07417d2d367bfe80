import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { withTimeout } from '../infra/timeout.js';
import { hostOf, resolveAllowed, type Resolver, systemResolver } from './ssrf.js';

export interface PostOutcome {
  /** The receiver's status code, when it answered. */
  status: number | undefined;
  /** Why the attempt failed: no answer in time, a refused connection, a forbidden address, … */
  error: string | undefined;
  durationMs: number;
}

export interface SenderOptions {
  timeoutMs: number;
  allowPrivate: boolean;
  resolve?: Resolver;
}

// Keep-alive: a busy endpoint gets its events over a few warm connections, not a handshake each.
// No cap on sockets in use per host: the deliverer already bounds what is in flight
// (WEBHOOK_CONCURRENCY, WEBHOOK_ENDPOINT_CONCURRENCY), and a request queued here for a socket would
// spend the receiver's timeout waiting on us, then be recorded as its failure and sent again. Idle
// ones are few per host and closed after a minute unused (every attempt is over well before that).
const IDLE_SOCKET = { keepAlive: true, maxFreeSockets: 16, timeout: 60_000 };
const agents = {
  'http:': new http.Agent(IDLE_SOCKET),
  'https:': new https.Agent(IDLE_SOCKET),
};

/**
 * POSTs one webhook. The host is resolved and checked here, at every delivery, and the connection
 * is pinned to the address that was checked (a rebinding name cannot switch it in between).
 * Redirects are not followed: a 3xx is an answer like any other non-2xx.
 */
export async function postWebhook(target: string, body: string, headers: Record<string, string>, options: SenderOptions): Promise<PostOutcome> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const url = new URL(target);
    if (url.protocol !== 'https:' && !(options.allowPrivate && url.protocol === 'http:')) throw new Error(`${url.protocol} URLs are not allowed`);
    const pinned = await withTimeout(resolveAllowed(hostOf(url), options.allowPrivate, options.resolve ?? systemResolver), options.timeoutMs, 'resolving the host');
    const lookup: LookupFunction = (_hostname, lookupOptions, callback) => {
      if (lookupOptions.all) (callback as unknown as (e: null, a: Array<{ address: string; family: number }>) => void)(null, [pinned]);
      else callback(null, pinned.address, pinned.family);
    };
    const attempt = (fresh: boolean) => send(url, body, headers, lookup, options.timeoutMs - elapsed(), fresh);
    // A kept-alive connection the receiver closed as idle just as it was reused carried nothing it
    // read: the same request goes once more, over a connection of its own, within the same attempt.
    const status = await attempt(false)
      .catch((error: unknown) => (error instanceof StaleConnection ? attempt(true) : Promise.reject(error)))
      .catch((error: unknown) => {
        throw error === NO_ANSWER ? new Error(`no answer within ${options.timeoutMs} ms`) : error instanceof StaleConnection ? error.cause : error;
      });
    return { status, error: status >= 200 && status < 300 ? undefined : `receiver answered ${status}`, durationMs: elapsed() };
  } catch (error) {
    return { status: undefined, error: error instanceof Error ? error.message : String(error), durationMs: elapsed() };
  }
}

const NO_ANSWER = new Error('no answer in time');

/** A reused keep-alive connection that was reset before any answer came. */
class StaleConnection extends Error {}
/**
 * Of a receiver's answer body, which nobody reads, this much is drained so that its connection can
 * carry the next event; past it the connection is closed. Read without a bound, after the slot was
 * given back, a receiver streaming gigabytes would hold the worker's CPU and open connection after
 * connection past the per-endpoint cap.
 */
export const MAX_ANSWER_BODY_BYTES = 64 * 1024;

/**
 * Resolves to the receiver's status once its answer is over: its body drained (up to
 * MAX_ANSWER_BODY_BYTES), cut off past that, or cut off at the deadline. Until then the attempt
 * holds its slot.
 */
function send(url: URL, body: string, headers: Record<string, string>, lookup: LookupFunction, timeoutMs: number, fresh: boolean): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = (url.protocol === 'https:' ? https : http).request(url, {
      method: 'POST',
      // Fresh: a new connection, not another pooled one that may be just as stale.
      agent: fresh ? false : agents[url.protocol as 'http:' | 'https:'],
      lookup,
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
    });
    let status: number | undefined;
    const answered = () => {
      clearTimeout(timer);
      resolve(status as number);
    };
    // At the deadline, an answer whose status came counts; its body's rest is not waited for.
    const timer = setTimeout(() => {
      if (status === undefined) request.destroy(NO_ANSWER);
      else {
        request.destroy();
        answered();
      }
    }, Math.max(0, timeoutMs));
    request.on('response', (response) => {
      status = response.statusCode ?? 0;
      let read = 0;
      response.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (read <= MAX_ANSWER_BODY_BYTES) return;
        response.destroy();
        answered();
      });
      response.on('end', answered);
      // A body cut off by the receiver still leaves its status as the answer.
      response.on('close', answered);
    });
    request.on('error', (error: NodeJS.ErrnoException) => {
      if (status !== undefined) return answered();
      clearTimeout(timer);
      const stale = request.reusedSocket && (error.code === 'ECONNRESET' || error.code === 'EPIPE');
      reject(stale ? new StaleConnection(error.message, { cause: error }) : error);
    });
    request.end(body);
  });
}
