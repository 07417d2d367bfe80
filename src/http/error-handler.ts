import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FastifySchemaValidationError } from 'fastify/types/schema.js';
import { AppError, pointerToken, type ErrorCode, type FieldProblem } from '../domain/errors.js';
import { MAX_PROBLEMS } from '../ingestion/ingestion.validation.js';
import { isConnectionError, isDatabaseBusy, isMissingMigration, isPoolExhausted } from '../infra/db.js';
import { declaredBodyBytes, discardUnreadBody, MAX_BODY_BYTES } from './json-body.js';
import { problem, PROBLEMS, type ProblemDetails } from './problem.js';

/** The router's limit on one path parameter (ids are at most 128 characters, 384 percent-encoded). */
export const MAX_PATH_PARAM_LENGTH = 512;

const FASTIFY_CODES: Record<string, { code: ErrorCode; detail?: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'payload_too_large' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'unsupported_media_type' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'invalid_json', detail: 'The request body is not valid JSON.' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'invalid_json', detail: 'The request body is not valid JSON.' },
  FST_ERR_BAD_URL: { code: 'invalid_parameter', detail: 'The path is not valid percent-encoding.' },
  FST_ERR_MAX_PARAM_LENGTH: { code: 'invalid_parameter', detail: `A path parameter is longer than ${MAX_PATH_PARAM_LENGTH} characters.` },
};

/** Other client errors the framework raises, by status: each still answers with a contract code. */
const CODES_BY_STATUS: Record<number, ErrorCode> = {
  400: 'invalid_parameter',
  403: 'forbidden',
  404: 'not_found',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

/** The titles of statuses answered under a code of another status where Node's reason phrase is not used. */
const STATUS_TITLES: Record<number, string> = { 405: 'Method not allowed' };

/**
 * A contract code answered with a status of its own (405 under not_found; 400, 408, 417 or 431 under
 * invalid_parameter): the status and its title replace the code's, everything else is the code's.
 */
function problemWithStatus(code: ErrorCode, status: number, detail: string, extra: Record<string, unknown> = {}): ProblemDetails {
  return { ...problem(code, detail, extra), status, title: STATUS_TITLES[status] ?? STATUS_CODES[status] ?? PROBLEMS[code].title };
}

/**
 * How a 5xx answer is logged: an unexpected failure as an error, with its stack; a dependency away or
 * a process draining (503, documented, answered with Retry-After) as a warning naming the reason, so
 * that every rollout or outage does not bury the real errors under error-level lines.
 */
export function logFailedAnswer(request: FastifyRequest, error: unknown, body: ProblemDetails): void {
  if (body.status < 500) return;
  if (body.code === 'service_unavailable') request.log.warn({ reason: error instanceof Error ? error.message : String(error) }, 'request answered 503');
  else request.log.error({ err: error }, 'request failed');
}

/** Turns every error into problem details. 5xx answers reveal nothing about the failure. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    const body = toProblem(error, request);
    logFailedAnswer(request, error, body);
    if (body.code === 'payload_too_large') {
      await discardUnreadBody(request.raw);
      // What was not read is not read at all: the connection goes with the answer.
      if (!request.raw.complete) reply.header('Connection', 'close');
    }
    return sendProblem(reply, body);
  });
  const routes = new RouteTable();
  app.addHook('onRoute', (route) => routes.add(route.method, route.url));
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    const allowed = routes.methodsFor(path);
    // A route of this method that found nothing (a file missing under /docs/static/*) is a plain 404.
    if (allowed.length === 0 || allowed.includes(request.method)) return sendProblem(reply, problem('not_found', `No route ${request.method} ${path}.`));
    reply.header('Allow', allowed.join(', '));
    return sendProblem(reply, problemWithStatus('not_found', 405, `${path} does not answer ${request.method}; it answers ${allowed.join(', ')}.`));
  });
}

/** Errors Fastify raises before any route or hook runs (a bad URL, a path parameter too long), as problem details. */
export function answerFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  // The onRequest hook that names every answer's request does not run for these.
  reply.header('X-Request-Id', request.id);
  return sendProblem(reply, toProblem(error, request));
}

/** The routes' paths by method, so that a path that exists under other methods answers 405, not 404. */
class RouteTable {
  private readonly routes: Array<{ methods: string[]; pattern: RegExp }> = [];

  add(method: string | string[], url: string): void {
    const source = url
      .split('/')
      .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment === '*' ? '.*' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('/');
    this.routes.push({ methods: Array.isArray(method) ? method : [method], pattern: new RegExp(`^${source}$`) });
  }

  methodsFor(rawPath: string): string[] {
    let path: string;
    try {
      path = decodeURIComponent(rawPath);
    } catch {
      return [];
    }
    return [...new Set(this.routes.filter((route) => route.pattern.test(path)).flatMap((route) => route.methods))].sort();
  }
}

export function sendProblem(reply: FastifyReply, body: ProblemDetails): FastifyReply {
  // A refusal is about one request: no cache may answer another with it.
  reply.header('Cache-Control', 'no-store');
  if (body.code === 'unauthorized') reply.header('WWW-Authenticate', 'Bearer');
  if (body.code === 'service_unavailable') reply.header('Retry-After', '5');
  if (body.code === 'rate_limited') reply.header('Retry-After', String(body.retry_after ?? 1));
  if (body.code === 'idempotency_in_progress') reply.header('Retry-After', '1');
  return reply.code(body.status).type('application/problem+json').send(body);
}

/** An error as the problem the API answers with: 5xx details hidden, database outages as 503. */
export function toProblem(error: FastifyError, request: FastifyRequest): ProblemDetails {
  if (error instanceof AppError) {
    if (error.code === 'internal_error') return problem('internal_error', 'Something went wrong on our side.', { request_id: request.id });
    return problem(error.code, error.message, error.details);
  }
  if (error.validation) {
    // A body that breaks its schema is a validation error; a bad path, query or header value is an invalid parameter.
    const errors: FieldProblem[] = error.validation.slice(0, MAX_PROBLEMS).map((v) => ({
      pointer: fieldPointer(v),
      message: v.keyword === 'additionalProperties' ? UNKNOWN_FIELD : (v.message ?? 'is invalid'),
    }));
    if (error.validationContext === 'body') return problem('validation_error', `The request has ${errors.length} invalid field(s).`, { errors });
    return problem('invalid_parameter', `Invalid ${error.validationContext ?? 'request'}.`, { errors });
  }
  const mapped = error.code ? FASTIFY_CODES[error.code] : undefined;
  const status = typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : undefined;
  // The framework's own status stands (414 for a path parameter too long) under the contract's code.
  if (mapped) return { ...problem(mapped.code, mapped.detail ?? error.message), ...(status ? { status } : {}) };
  // The one place where "the database cannot be reached" becomes 503: services let the driver's error through.
  if (isConnectionError(error)) {
    return problem('service_unavailable', unavailableDetail(error));
  }
  // Like /readyz: a database without this version's migrations is a dependency not ready, not a bug of the request.
  if (isMissingMigration(error)) return problem('service_unavailable', 'The database lacks migrations this version needs; retry shortly.');
  const byStatus = status === undefined ? undefined : CODES_BY_STATUS[status];
  if (byStatus) return problem(byStatus, error.message);
  return problem('internal_error', 'Something went wrong on our side.', { request_id: request.id });
}

/** Why the database could not serve a request, as far as this process can tell. */
function unavailableDetail(error: Error): string {
  if (isDatabaseBusy(error)) return 'The database is busy and did not answer in time; retry shortly.';
  if (isPoolExhausted(error)) return 'No database connection came free in time: this process is busy (or the database is not answering); retry shortly.';
  return 'The database is unreachable; retry shortly.';
}

/** Per connection, the requests read from it whose answers are still being made. */
const unanswered = new WeakMap<object, Map<IncomingMessage, ServerResponse>>();

/** Keeps `unanswered` for every request the server reads, so that a parser error on its connection waits for them. */
export function trackAnswers(server: Server): void {
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    let answers = unanswered.get(request.socket);
    if (!answers) unanswered.set(request.socket, (answers = new Map()));
    answers.set(request, response);
    response.once('close', () => answers.delete(request));
  });
}

/**
 * Errors Node's HTTP parser meets before any route runs (a request not whole within
 * REQUEST_TIMEOUT_MS, oversized headers, bytes that are not HTTP) are answered as problem+json too,
 * then the connection is closed. When they follow a request on the same connection that is still
 * being answered (`DELETE …` then junk, in one packet), that request has run: its answer is sent
 * first, so the client is not told 400 about a change that was made.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  // Only requests read whole are being answered; one still arriving is what the error is about (a timeout).
  const answers = [...(unanswered.get(socket) ?? [])].filter(([request]) => request.complete).map(([, response]) => response);
  if (answers.length > 0) {
    void Promise.all(answers.map((answer) => new Promise((resolve) => answer.once('close', resolve)))).then(() => writeClientError(error, socket));
    return;
  }
  writeClientError(error, socket);
}

function writeClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  const status = error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
  const detail =
    status === 408 ? 'The request did not arrive whole in time; the connection is closed.' : status === 431 ? 'The request headers are too large.' : 'The request is not valid HTTP.';
  writeRawProblem(socket, problemWithStatus('invalid_parameter', status, detail));
}

/**
 * CONNECT, which Node hands over as a raw socket ('connect') and would close without a word: a
 * 405 as problem+json, as any other method no route answers, and the connection closed.
 */
export function answerConnect(request: IncomingMessage, socket: Duplex): void {
  const detail = `${request.url ?? ''} does not answer CONNECT; Lucro is no proxy.`;
  writeRawProblem(socket, problemWithStatus('not_found', 405, detail));
}

/** An answer written straight to a socket no response object owns, then the connection closed. */
function writeRawProblem(socket: Duplex, body: ProblemDetails): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const text = JSON.stringify(body);
  // The headers of every other answer: its type with charset, its date and an id to quote to support.
  const headers = [
    `Content-Type: application/problem+json; charset=utf-8`,
    `Content-Length: ${Buffer.byteLength(text)}`,
    `Date: ${new Date().toUTCString()}`,
    `X-Request-Id: ${randomUUID()}`,
    'Cache-Control: no-store',
    'Connection: close',
  ];
  socket.end(`HTTP/1.1 ${body.status} ${STATUS_CODES[body.status]}\r\n${headers.join('\r\n')}\r\n\r\n${text}`);
}

/**
 * An Expect header asking for anything but 100-continue, which Node answers before any route runs
 * ('checkExpectation'): 417 as problem+json naming the header, its body unread and the connection closed.
 */
export function answerUnmetExpectation(request: IncomingMessage, response: ServerResponse, requestId: string): void {
  answerAndClose(
    response,
    requestId,
    problemWithStatus('invalid_parameter', 417, 'The server meets no expectation but 100-continue.', { errors: [{ pointer: '/headers/expect', message: 'must be 100-continue' }] }),
  );
  request.resume();
}

/**
 * `Expect: 100-continue` ('checkContinue'): a body its Content-Length already puts over the limit is
 * refused at once, before the client sends it; any other is asked for and the request goes on.
 */
export function answerContinue(server: Server, request: IncomingMessage, response: ServerResponse, requestId: string): void {
  const declared = declaredBodyBytes(request);
  if (declared <= MAX_BODY_BYTES) {
    response.writeContinue();
    server.emit('request', request, response);
    return;
  }
  answerAndClose(response, requestId, problem('payload_too_large', `The request body is declared as ${declared} bytes; at most ${MAX_BODY_BYTES} are read.`));
}

/** An answer Node asks for before any route runs (an Expect header), as problem+json, then the connection closed. */
function answerAndClose(response: ServerResponse, requestId: string, body: ProblemDetails): void {
  const text = JSON.stringify(body);
  response.shouldKeepAlive = false;
  response.writeHead(body.status, {
    'Content-Type': 'application/problem+json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'X-Request-Id': requestId,
    'Cache-Control': 'no-store',
    Connection: 'close',
  });
  response.end(text);
}

/** What a field a schema does not allow is told. */
export const UNKNOWN_FIELD = 'is not a known field';

/**
 * Where a schema finding points, as a JSON Pointer: the property missing or not allowed, else the
 * value itself (`""` for the whole document, as RFC 6901 writes it).
 */
export function fieldPointer(error: FastifySchemaValidationError): string {
  const { missingProperty: missing, additionalProperty: extra } = error.params as { missingProperty?: string; additionalProperty?: string };
  const field = missing ?? extra;
  return field === undefined ? error.instancePath : `${error.instancePath}/${pointerToken(field)}`;
}
