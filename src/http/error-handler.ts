import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type ErrorCode, type FieldProblem } from '../domain/errors.js';
import { isConnectionError } from '../infra/db.js';
import { problem, type ProblemDetails } from './problem.js';

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_json',
};

/** Turns every error into problem details. 5xx answers reveal nothing about the failure. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const body = toProblem(error, request);
    if (body.status >= 500) request.log.error({ err: error }, 'request failed');
    return sendProblem(reply, body);
  });
  app.setNotFoundHandler((request, reply) => sendProblem(reply, problem('not_found', `No route ${request.method} ${request.url.split('?')[0]}.`)));
}

export function sendProblem(reply: FastifyReply, body: ProblemDetails): FastifyReply {
  if (body.code === 'unauthorized') reply.header('WWW-Authenticate', 'Bearer');
  if (body.code === 'service_unavailable') reply.header('Retry-After', '5');
  if (body.code === 'rate_limited') reply.header('Retry-After', String(body.retry_after ?? 1));
  return reply.code(body.status).type('application/problem+json').send(body);
}

function toProblem(error: FastifyError, request: FastifyRequest): ProblemDetails {
  if (error instanceof AppError) {
    if (error.code === 'internal_error') return problem('internal_error', 'Something went wrong on our side.', { request_id: request.id });
    return problem(error.code, error.message, error.details);
  }
  if (error.validation) {
    // A body that breaks its schema is a validation error; a bad path, query or header value is an invalid parameter.
    const errors: FieldProblem[] = error.validation.map((v) => {
      const missing = (v.params as { missingProperty?: string }).missingProperty;
      return { pointer: `${v.instancePath}${missing === undefined ? '' : `/${missing}`}` || '/', message: v.message ?? 'is invalid' };
    });
    if (error.validationContext === 'body') return problem('validation_error', `The request has ${errors.length} invalid field(s).`, { errors });
    return problem('invalid_parameter', `Invalid ${error.validationContext ?? 'request'}.`, { errors });
  }
  const mapped = error.code ? FASTIFY_CODES[error.code] : undefined;
  if (mapped) return problem(mapped, mapped === 'invalid_json' ? 'The request body is not valid JSON.' : error.message);
  if (isConnectionError(error)) return problem('service_unavailable', 'The database is unreachable; retry shortly.');
  return problem('internal_error', 'Something went wrong on our side.', { request_id: request.id });
}
