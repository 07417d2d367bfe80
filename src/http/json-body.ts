import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { parse } from 'lossless-json';
import { AppError } from '../domain/errors.js';
import { isExactAsDouble, plainNumberText } from '../domain/money.js';
import { scanJson } from './json-scan.js';

export const MAX_BODY_BYTES = 10 * 1024 * 1024;
/** Past this much of a refused body, the connection is closed rather than read to its end. */
const MAX_DISCARDED_BYTES = 8 * MAX_BODY_BYTES;
/** Decodes a body as UTF-8, throwing at the first byte sequence that is not (a leading BOM is dropped). */
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });
/** Deeper nesting is refused before parsing: no request of the contract needs more than a few levels. */
export const MAX_JSON_DEPTH = 64;
/**
 * Values a body may hold (names, scalars, containers): this many, and this many more per item of
 * its list (a transaction: a bank's rich records hold about fifty). Parsing and checking
 * cost about a microsecond a value, on the thread every request shares: a 10 MiB body of millions
 * of `1`s in one transaction's unknown field held it for seconds; a full batch of rich records
 * (about 50 values each) costs a quarter of what this allows.
 */
export const MAX_JSON_VALUES = 1_000;
export const MAX_JSON_VALUES_PER_ITEM = 200;

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * A list under a top-level member of the body, counted before the body is parsed: past `max`,
     * the error `refuse(count)` answers instead, so an over-long list is never built in memory.
     */
    bodyList?: { member: string; max: number; refuse: (count: number) => Error };
    /** The body may be left out, also when a JSON type is sent with nothing after it (re-enrichment's filters). */
    bodyOptional?: boolean;
  }
}

/**
 * JSON bodies only, parsed without losing money: a number literal that a JS double cannot hold
 * exactly (12345678901234.567) is kept as its text, so an amount is never rounded on the way in.
 */
export function registerJsonBody(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(/^application\/([\w.-]+\+)?json\s*(;.*)?$/i, { parseAs: 'buffer', bodyLimit: MAX_BODY_BYTES }, (request, body, done) => {
    // A compressed body would read as garbage: say what is wrong with it (RFC 9110 §15.5.16).
    const encoding = request.headers['content-encoding']?.trim().toLowerCase();
    if (encoding && encoding !== 'identity') {
      return done(new AppError('unsupported_media_type', `Content-Encoding ${encoding} is not supported; send the body uncompressed.`), undefined);
    }
    // JSON between systems is UTF-8 (RFC 8259 §8.1): a body declared in another charset would be misread.
    const charset = charsetOf(request.headers['content-type'] ?? '');
    if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
      return done(new AppError('unsupported_media_type', `charset ${charset} is not supported; send the body as UTF-8.`), undefined);
    }
    let text: string;
    try {
      // Bytes that are not UTF-8 are refused, not replaced with U+FFFD: `Café` sent in Latin-1 would be stored as `Caf�`.
      text = typeof body === 'string' ? body : STRICT_UTF8.decode(body);
    } catch {
      return done(new AppError('invalid_json', 'The request body is not valid UTF-8.'), undefined);
    }
    if (text.trim() === '') {
      // An action that takes no body (rotating a secret, retrying a delivery) may be sent one empty, with a JSON type.
      if (request.routeOptions.schema?.body === undefined || request.routeOptions.config.bodyOptional) return done(null, undefined);
      return done(new AppError('invalid_json', 'The request body is empty; send a JSON object.'), undefined);
    }
    const list = request.routeOptions.config.bodyList;
    const shape = scanJson(text, MAX_JSON_DEPTH, list?.member);
    if (shape.tooDeep) return done(new AppError('invalid_json', `The request body nests deeper than ${MAX_JSON_DEPTH} levels.`), undefined);
    if (list && shape.items > list.max) return done(list.refuse(shape.items), undefined);
    const maxValues = MAX_JSON_VALUES + MAX_JSON_VALUES_PER_ITEM * shape.items;
    if (shape.values > maxValues) {
      const per = list ? ` and ${MAX_JSON_VALUES_PER_ITEM} per item of ${list.member}` : '';
      return done(new AppError('payload_too_large', `The request body holds ${shape.values} JSON values; at most ${MAX_JSON_VALUES}${per} are read (${maxValues} here).`), undefined);
    }
    try {
      done(null, parse(text, null, parseNumber));
    } catch (error) {
      done(new AppError('invalid_json', `The request body is not valid JSON: ${(error as Error).message}`), undefined);
    }
  });
  // A request sent with neither a body nor a Content-Type reaches no parser: it is refused as one of another type (§4).
  app.addHook('preValidation', async (request) => {
    if (request.body !== undefined || request.headers['content-type'] !== undefined) return;
    if (request.routeOptions.schema?.body === undefined || request.routeOptions.config.bodyOptional) return;
    throw new AppError('unsupported_media_type', 'Send Content-Type: application/json with a JSON body.');
  });
  // Anything else is refused before it is read: no body, no JSON.
  app.addContentTypeParser('*', (request, _payload, done) => {
    const type = request.headers['content-type'];
    done(new AppError('unsupported_media_type', type ? `Content-Type ${type} is not supported; send application/json.` : 'Send Content-Type: application/json.'), undefined);
  });
}

/** The charset parameter of a Content-Type, lower case and unquoted; undefined when there is none. */
function charsetOf(contentType: string): string | undefined {
  const match = /;\s*charset\s*=\s*(?:"([^"]*)"|([^;\s]*))/i.exec(contentType);
  return match ? (match[1] ?? match[2] ?? '').toLowerCase() : undefined;
}

function parseNumber(literal: string): number | string {
  return isExactAsDouble(literal) ? Number(literal) : plainNumberText(literal);
}

/**
 * Reads and throws away what is left of a refused body, up to a bound, so that the answer is sent
 * on a connection the client is not still writing to: closing it under a client's upload makes the
 * client see a broken pipe instead of the 413. Past the bound the connection is closed anyway.
 */
export function discardUnreadBody(stream: IncomingMessage): Promise<void> {
  if (stream.complete || stream.readableEnded || stream.destroyed) return Promise.resolve();
  // A body declared past the bound is not waited for: it may never come (a Content-Length of 10^12).
  if (declaredBodyBytes(stream) > MAX_DISCARDED_BYTES) return Promise.resolve();
  return new Promise((resolve) => {
    let discarded = 0;
    const onData = (chunk: Buffer): void => {
      discarded += chunk.length;
      if (discarded > MAX_DISCARDED_BYTES) finish();
    };
    const finish = (): void => {
      stream.off('data', onData).off('end', finish).off('error', finish).off('close', finish);
      resolve();
    };
    stream.on('data', onData).once('end', finish).once('error', finish).once('close', finish);
  });
}

/** The body's size as its Content-Length declares it; 0 when it declares none. */
export function declaredBodyBytes(request: IncomingMessage): number {
  const declared = Number(request.headers['content-length']);
  return Number.isFinite(declared) ? declared : 0;
}
