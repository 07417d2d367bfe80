/** A problem in one field of a request, located by a JSON Pointer (RFC 6901). */
export interface FieldProblem {
  pointer: string;
  message: string;
}

/** Stable error codes of the contract (§3, §4); the HTTP layer alone maps them to statuses. */
export type ErrorCode =
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'invalid_parameter'
  | 'validation_error'
  | 'invalid_json'
  | 'rate_limited'
  | 'service_unavailable'
  | 'internal_error'
  | 'batch_too_large'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'account_currency_mismatch'
  | 'duplicate_conflict'
  | 'idempotency_key_reused'
  | 'idempotency_in_progress'
  | 'transaction_removed'
  | 'invalid_webhook_url';

/** An expected failure of a use case. Carries no HTTP status: that is the HTTP layer's concern. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Extra members for the problem details, e.g. `errors` or `transaction_ids`. */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/**
 * A process cannot start as configured (a port in use, a host name that does not resolve). Its
 * message is one line for the operator that names the setting to change; the CLI prints no stack.
 */
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartupError';
  }
}

/** One reference token of a JSON Pointer (RFC 6901: `~` is `~0`, `/` is `~1`). */
export function pointerToken(token: string | number): string {
  return String(token).replaceAll('~', '~0').replaceAll('/', '~1');
}
