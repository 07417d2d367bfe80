import { Type, type Static, type TSchema, type TUnsafe } from 'typebox';
import type { ErrorCode } from '../domain/errors.js';
import { ACCOUNT_ID_MAX_LENGTH, IDENTIFIER_PATTERN, TRANSACTION_ID_MAX_LENGTH } from '../domain/identifiers.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../domain/query-params.js';
import { documentedRule, type ResponseHeader, toSwaggerHeaders } from './documented.js';
import { PROBLEMS, problem } from './problem.js';

/**
 * RFC 9457 problem details, as every error is answered (contract §3). One shared schema, registered
 * with `app.addSchema` and referenced by every problem response, so that the OpenAPI document has one
 * `Problem` component and a generated client one `Problem` type.
 */
export const ProblemSchema = Type.Object(
  {
    type: Type.String({ description: 'A URI naming the kind of problem', examples: ['urn:lucro:problem:not_found'] }),
    title: Type.String({ description: 'A short summary of the kind of problem' }),
    status: Type.Integer({ description: 'The HTTP status of this answer' }),
    detail: Type.String({ description: 'What went wrong with this request, for people' }),
    code: Type.Unsafe<ErrorCode>({ type: 'string', enum: Object.keys(PROBLEMS), description: 'Stable snake_case problem code' }),
    errors: Type.Optional(
      Type.Array(Type.Object({ pointer: Type.String({ description: 'JSON Pointer to the field' }), message: Type.String() }), {
        maxItems: 100,
        description: 'validation_error and invalid_parameter: every problem found, each located by a JSON Pointer',
      }),
    ),
  },
  { $id: 'Problem', title: 'Problem', additionalProperties: true, description: 'RFC 9457 problem details' },
);

const NAMED: TSchema[] = [];

/**
 * `schema` as an object the document names (`components.schemas.<name>`): registered once with
 * `app.addSchema` (namedSchemas) and referenced wherever an answer holds one, so that a generated
 * client has one `Transaction` or `Batch` type, not a copy per operation. The reference types as
 * the schema does.
 */
export function named<T extends TSchema>(name: string, schema: T): TUnsafe<Static<T>> {
  // A copy that keeps TypeBox's hidden markers, with the name as its $id.
  NAMED.push(Object.defineProperties({}, { ...Object.getOwnPropertyDescriptors(schema), $id: { value: name, enumerable: true } }) as TSchema);
  return Type.Unsafe<Static<T>>({ $ref: `${name}#` });
}

/** Every schema `named` names, for the app to register. */
export function namedSchemas(): readonly TSchema[] {
  return NAMED;
}

/**
 * The `limit` of every paged list (contract §5): documented as the integer 1–1000 it must be, checked
 * by parseLimitParam, which names the parameter in its own words.
 */
export const PageLimit = documentedRule(Type.String({ description: `Page size: 1–${MAX_PAGE_SIZE}, default ${DEFAULT_PAGE_SIZE}` }), {
  type: 'integer',
  minimum: 1,
  maximum: MAX_PAGE_SIZE,
  default: DEFAULT_PAGE_SIZE,
});

/** An account id in a path, as the client sent it at ingestion (contract §4). */
export const AccountIdParam = Type.String({
  minLength: 1,
  maxLength: ACCOUNT_ID_MAX_LENGTH,
  pattern: IDENTIFIER_PATTERN,
  description: 'Your id for the account, as sent at ingestion',
});

/** A transaction id in a path, as the client sent it at ingestion (contract §4). */
export const TransactionIdParam = Type.String({ minLength: 1, maxLength: TRANSACTION_ID_MAX_LENGTH, pattern: IDENTIFIER_PATTERN });

/** A reference to the shared Problem schema, as route schemas and the OpenAPI document use it. */
const PROBLEM_REF = { $ref: 'Problem#' } as const;

const CODES = new WeakMap<object, readonly ErrorCode[]>();

export interface ProblemResponse {
  description: string;
  headers?: Record<string, Record<string, unknown>>;
  content: { 'application/problem+json': { schema: Record<string, unknown> } };
}

const RETRY_AFTER: ResponseHeader = { description: 'Seconds to wait before sending the request again', required: true, schema: { type: 'integer', minimum: 1 } };

/** The headers sendProblem adds to an answer with this code (contract §2, §3). */
const PROBLEM_HEADERS: Partial<Record<ErrorCode, Record<string, ResponseHeader>>> = {
  unauthorized: { 'WWW-Authenticate': { description: 'The scheme to authenticate with: send Authorization: Bearer <key>', required: true, schema: { type: 'string', enum: ['Bearer'] } } },
  rate_limited: { 'Retry-After': RETRY_AFTER },
  service_unavailable: { 'Retry-After': RETRY_AFTER },
  idempotency_in_progress: { 'Retry-After': RETRY_AFTER },
};

/** The headers of an answer that may carry any of `codes`: required only when every one of them sends it. */
function problemHeaders(codes: readonly ErrorCode[]): Record<string, ResponseHeader> {
  const headers: Record<string, ResponseHeader> = {};
  for (const code of codes) {
    for (const [name, header] of Object.entries(PROBLEM_HEADERS[code] ?? {})) {
      const everyCode = codes.every((other) => PROBLEM_HEADERS[other]?.[name] !== undefined);
      headers[name] = { ...header, required: everyCode && header.required === true };
    }
  }
  return headers;
}

/** The members beyond §3's that a problem with this code carries (AppError's extras), and whether it always does. */
const PROBLEM_MEMBERS: Partial<Record<ErrorCode, Record<string, { required: boolean; schema: Record<string, unknown> }>>> = {
  duplicate_conflict: {
    transaction_ids: { required: true, schema: { type: 'array', items: { type: 'string' }, description: 'The transaction ids already stored with other content (contract §4)' } },
  },
  account_currency_mismatch: { account_currency: { required: true, schema: { type: 'string', description: 'The currency the account holds' } } },
  batch_too_large: { max_batch_size: { required: true, schema: { type: 'integer', description: 'The most transactions a batch may hold' } } },
  rate_limited: { retry_after: { required: false, schema: { type: 'integer', minimum: 1, description: 'Seconds to wait, as Retry-After says' } } },
};

/** The `code` of an answer that may carry any of `codes`, and the members they carry: required when every one of them always does. */
function problemSpecifics(codes: readonly ErrorCode[]): { required: string[]; properties: Record<string, unknown> } {
  const properties: Record<string, unknown> = { code: { type: 'string', enum: [...codes] } };
  const required = ['code'];
  for (const code of codes) {
    for (const [name, member] of Object.entries(PROBLEM_MEMBERS[code] ?? {})) {
      properties[name] = member.schema;
      if (!required.includes(name) && codes.every((other) => PROBLEM_MEMBERS[other]?.[name]?.required === true)) required.push(name);
    }
  }
  return { required, properties };
}

/** One problem response: the shared Problem schema, its `code` narrowed to the codes this answer can carry, with the members they add. */
export function problemResponse(codes: readonly ErrorCode[]): ProblemResponse {
  const [first] = codes;
  if (first === undefined) throw new Error('a problem response names at least one code');
  const headers = problemHeaders(codes);
  const response: ProblemResponse = {
    description: codes.map((code) => `${PROBLEMS[code].title} (\`${code}\`)`).join(', '),
    ...(Object.keys(headers).length > 0 ? { headers: toSwaggerHeaders(headers) } : {}),
    content: {
      'application/problem+json': {
        schema: {
          allOf: [PROBLEM_REF, { type: 'object', ...problemSpecifics(codes) }],
          examples: [problem(first, PROBLEM_EXAMPLE_DETAIL[first] ?? `${PROBLEMS[first].title}.`)],
        },
      },
    },
  };
  CODES.set(response, codes);
  return response;
}

const PROBLEM_EXAMPLE_DETAIL: Partial<Record<ErrorCode, string>> = {
  unauthorized: 'A valid API key is required: send Authorization: Bearer <key>.',
  forbidden: 'This key lacks the reports scope.',
  not_found: 'No batch 3f2a9c1e-0b7d-4c55-9a51-2c4f0e8d6b10.',
  invalid_parameter: 'Invalid querystring.',
  validation_error: 'The request has 1 invalid field(s).',
  rate_limited: 'Too many requests for this integration; retry after 1 s.',
  service_unavailable: 'The database is unreachable; retry shortly.',
  internal_error: 'Something went wrong on our side.',
};

/**
 * The problem responses of an operation, by status, for the codes it can answer (contract §3, §4 and
 * the sections after). `overrides` names an answer whose status differs from its code's usual one
 * (414: a path parameter too long is an `invalid_parameter`).
 */
export function problems(codes: readonly ErrorCode[], overrides: Record<number, readonly ErrorCode[]> = {}): Record<number, ProblemResponse> {
  return withProblems({}, codes, overrides) as Record<number, ProblemResponse>;
}

/**
 * A route's responses with more problem codes added: a status it already documents as a problem
 * gets the codes it lacks, any other status a problem response of its own.
 */
export function withProblems(
  responses: Record<string, unknown>,
  codes: readonly ErrorCode[],
  overrides: Record<number, readonly ErrorCode[]> = {},
): Record<string, unknown> {
  const byStatus = new Map<string, ErrorCode[]>();
  const others: Record<string, unknown> = {};
  for (const [status, response] of Object.entries(responses)) {
    const declared = typeof response === 'object' && response !== null ? CODES.get(response) : undefined;
    if (declared) byStatus.set(status, [...declared]);
    else others[status] = response;
  }
  const add = (status: string, code: ErrorCode) => {
    const listed = byStatus.get(status) ?? [];
    if (!listed.includes(code)) byStatus.set(status, [...listed, code]);
  };
  for (const code of codes) add(String(PROBLEMS[code].status), code);
  for (const [status, statusCodes] of Object.entries(overrides)) for (const code of statusCodes) add(status, code);
  return { ...others, ...Object.fromEntries([...byStatus].map(([status, statusCodes]) => [status, problemResponse(statusCodes)])) };
}
