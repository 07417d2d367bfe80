import type { ErrorCode } from '../domain/errors.js';

/** Each contract error code with its HTTP status and title (RFC 9457). */
export const PROBLEMS: Record<ErrorCode, { status: number; title: string }> = {
  unauthorized: { status: 401, title: 'Unauthorized' },
  forbidden: { status: 403, title: 'Forbidden' },
  not_found: { status: 404, title: 'Not Found' },
  invalid_parameter: { status: 400, title: 'Invalid parameter' },
  validation_error: { status: 400, title: 'Validation failed' },
  invalid_json: { status: 400, title: 'Malformed JSON' },
  rate_limited: { status: 429, title: 'Too many requests' },
  service_unavailable: { status: 503, title: 'Service unavailable' },
  internal_error: { status: 500, title: 'Internal error' },
  batch_too_large: { status: 413, title: 'Batch too large' },
  payload_too_large: { status: 413, title: 'Payload too large' },
  unsupported_media_type: { status: 415, title: 'Unsupported media type' },
  account_currency_mismatch: { status: 409, title: 'Account currency mismatch' },
  duplicate_conflict: { status: 409, title: 'Duplicate transaction conflict' },
  idempotency_key_reused: { status: 422, title: 'Idempotency key reused' },
  idempotency_in_progress: { status: 409, title: 'Idempotent request in progress' },
  transaction_removed: { status: 409, title: 'Transaction removed' },
  invalid_webhook_url: { status: 400, title: 'Invalid webhook URL' },
};

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  [member: string]: unknown;
}

export function problem(code: ErrorCode, detail: string, extra: Record<string, unknown> = {}): ProblemDetails {
  const { status, title } = PROBLEMS[code];
  return { type: `urn:lucro:problem:${code}`, title, status, detail, code, ...extra };
}
