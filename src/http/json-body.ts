import type { FastifyInstance } from 'fastify';
import { parse } from 'lossless-json';
import { AppError } from '../domain/errors.js';
import { isExactAsDouble } from '../domain/money.js';

export const MAX_BODY_BYTES = 10 * 1024 * 1024;

/**
 * JSON bodies only, parsed without losing money: a number literal that a JS double cannot hold
 * exactly (12345678901234.567) is kept as its text, so an amount is never rounded on the way in.
 */
export function registerJsonBody(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(/^application\/([\w.-]+\+)?json\s*(;.*)?$/i, { parseAs: 'string', bodyLimit: MAX_BODY_BYTES }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') {
      // An action that takes no body (rotating a secret, retrying a delivery) may be sent one empty, with a JSON type.
      if (request.routeOptions.schema?.body === undefined) return done(null, undefined);
      return done(new AppError('invalid_json', 'The request body is empty; send a JSON object.'), undefined);
    }
    try {
      done(null, parse(text, null, parseNumber));
    } catch (error) {
      done(new AppError('invalid_json', `The request body is not valid JSON: ${(error as Error).message}`), undefined);
    }
  });
  // Anything else is refused before it is read: no body, no JSON.
  app.addContentTypeParser('*', (request, _payload, done) => {
    const type = request.headers['content-type'];
    done(new AppError('unsupported_media_type', type ? `Content-Type ${type} is not supported; send application/json.` : 'Send Content-Type: application/json.'), undefined);
  });
}

function parseNumber(literal: string): number | string {
  return isExactAsDouble(literal) ? Number(literal) : literal;
}
