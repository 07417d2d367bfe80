import type { ApiInstance } from '../api-instance.js';
import type { FastifySchemaValidationError } from 'fastify/types/schema.js';
import { AppError } from '../../domain/errors.js';
import { IDENTIFIER_CHARACTERS, IDENTIFIER_PATTERN } from '../../domain/identifiers.js';
import type { IngestionService } from '../../ingestion/ingestion.service.js';
import { batchTooLarge, FieldProblems } from '../../ingestion/ingestion.validation.js';
import { IDEMPOTENCY_KEY_MAX_LENGTH, IngestAccepted, IngestHeaders, ingestBody, RemoveBody, RemoveOutcome } from '../../ingestion/ingestion.schemas.js';
import { withHeaders } from '../documented.js';
import { requireSentOnce } from '../headers.js';
import { fieldPointer, UNKNOWN_FIELD } from '../error-handler.js';
import { problems } from '../schemas.js';

export function ingestionRoutes(app: ApiInstance, ingestion: IngestionService, maxBatchSize: number): void {
  const body = ingestBody(maxBatchSize);
  const accepted = withHeaders(IngestAccepted, {
    Location: { description: 'The batch to follow: /api/batches/{batch_id}, as status_url', required: true, schema: { type: 'string', examples: ['/api/batches/0b6a4c5e-2f3d-4c1a-9e7b-5d8f6a1b2c3d'] } },
    'Idempotent-Replayed': { description: 'true when this is the first answer to the same Idempotency-Key and body, sent again; absent otherwise', schema: { type: 'string', enum: ['true'] } },
  });
  for (const url of ['/api/integrations/transactions/', '/api/integrations/transactions']) {
    app.post(
      url,
      {
        config: {
          scope: 'ingest',
          // Counted before the body is parsed or validated: an over-long batch is refused at once, never built.
          bodyList: { member: 'transactions', max: maxBatchSize, refuse: (count) => batchTooLarge(maxBatchSize, count) },
        },
        // Body problems go to the service, which adds the rules a schema cannot state and reports them all at once.
        attachValidation: true,
        schema: {
          // One documented path; the other form is an alias kept for clients of contract §4.
          hide: url.endsWith('/'),
          operationId: 'ingestTransactions',
          summary: 'Ingest a batch of account transactions',
          description: 'Stores the batch atomically and idempotently and answers 202; enrichment happens asynchronously.',
          tags: ['ingestion'],
          body,
          headers: IngestHeaders,
          response: {
            202: accepted,
            ...problems([
              'validation_error',
              'invalid_json',
              'invalid_parameter',
              'account_currency_mismatch',
              'duplicate_conflict',
              'idempotency_in_progress',
              'batch_too_large',
              'payload_too_large',
              'unsupported_media_type',
              'idempotency_key_reused',
            ]),
          },
        },
      },
      async (request, reply) => {
        // Node joins repeated headers with ", ": two keys would silently become a third one.
        requireSentOnce(request.raw.rawHeaders, 'idempotency-key', 'Idempotency-Key must be sent once.');
        const key = request.headers['idempotency-key'];
        const idempotencyKey = Array.isArray(key) ? key[0] : key;
        if (idempotencyKey !== undefined && (idempotencyKey.length < 1 || idempotencyKey.length > IDEMPOTENCY_KEY_MAX_LENGTH)) {
          throw new AppError('invalid_parameter', `Idempotency-Key must be 1–${IDEMPOTENCY_KEY_MAX_LENGTH} characters.`, {
            errors: [{ pointer: '/headers/idempotency-key', message: `must be 1–${IDEMPOTENCY_KEY_MAX_LENGTH} characters` }],
          });
        }
        const outcome = await ingestion.ingestBatch(request.principal, {
          body: request.body,
          structuralProblems: toFieldProblems(request.validationError?.validation ?? []),
          idempotencyKey,
        });
        if (outcome.replayed) reply.header('Idempotent-Replayed', 'true');
        return reply.code(outcome.status as 202).header('Location', outcome.body.status_url).send(outcome.body);
      },
    );
  }
}

const MAX_REMOVED_IDS = (RemoveBody.properties.transaction_ids as { maxItems?: number }).maxItems ?? 10_000;

function tooManyIds(count: number): AppError {
  return new AppError('validation_error', `The request has 1 invalid field(s).`, {
    errors: [{ pointer: '/transaction_ids', message: `must hold at most ${MAX_REMOVED_IDS} ids; it holds ${count}` }],
  });
}

/** Removing transactions (contract §10). */
export function removalRoutes(app: ApiInstance, ingestion: IngestionService): void {
  // With and without the trailing slash, as the ingest path it sits under (§4).
  for (const url of ['/api/integrations/transactions/remove', '/api/integrations/transactions/remove/']) {
    app.post(
      url,
      {
        config: {
          scope: 'ingest',
          // Counted before parsing, as for batches: millions of ids would otherwise be built and then each reported by Ajv.
          bodyList: { member: 'transaction_ids', max: MAX_REMOVED_IDS, refuse: tooManyIds },
        },
        attachValidation: true,
        schema: {
          hide: url.endsWith('/'),
          operationId: 'removeTransactions',
          summary: 'Remove transactions of an account: they stay readable but count nowhere',
          tags: ['ingestion'],
          body: RemoveBody,
          response: { 200: RemoveOutcome, ...problems(['validation_error', 'invalid_json', 'not_found', 'unsupported_media_type']) },
        },
      },
      (request) => ingestion.removeTransactions(request.principal, request.body, toFieldProblems(request.validationError?.validation ?? [])),
    );
  }
}

/** Ajv's findings as JSON Pointers to the offending field, one message per field. */
function toFieldProblems(errors: FastifySchemaValidationError[]): FieldProblems {
  const problems = new FieldProblems();
  for (const error of errors) {
    if (error.keyword === 'anyOf') continue;
    problems.add(fieldPointer(error), describe(error));
  }
  return problems;
}

function describe(error: FastifySchemaValidationError): string {
  if (error.keyword === 'required') return 'is required';
  if (error.keyword === 'additionalProperties') return UNKNOWN_FIELD;
  if (error.keyword === 'format' && (error.params as { format?: string }).format === 'date') return 'must be a real calendar date YYYY-MM-DD';
  if (error.keyword === 'pattern') return PATTERN_MESSAGES[(error.params as { pattern?: string }).pattern ?? ''] ?? error.message ?? 'is invalid';
  return error.message ?? 'is invalid';
}

const PATTERN_MESSAGES: Record<string, string> = {
  [IDENTIFIER_PATTERN]: `must contain only ${IDENTIFIER_CHARACTERS}`,
  '^[A-Z]{3}$': 'must be a three-letter upper-case ISO 4217 code',
};
