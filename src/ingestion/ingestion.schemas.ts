import { Type, type Static } from 'typebox';
import { ACCOUNT_ID_MAX_LENGTH, IDENTIFIER_PATTERN, TRANSACTION_ID_MAX_LENGTH } from '../domain/identifiers.js';
import { documentedRule } from '../http/documented.js';

export const AccountInput = Type.Object(
  {
    account_id: Type.String({ minLength: 1, maxLength: ACCOUNT_ID_MAX_LENGTH, pattern: IDENTIFIER_PATTERN, description: 'Your id for the account; unique within your integration' }),
    currency: Type.String({ pattern: '^[A-Z]{3}$', description: 'Active ISO 4217 code, upper case' }),
    name: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])),
    institution: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])),
  },
  { additionalProperties: true },
);

export const TransactionInput = Type.Object(
  {
    transaction_id: Type.String({ minLength: 1, maxLength: TRANSACTION_ID_MAX_LENGTH, pattern: IDENTIFIER_PATTERN, description: 'Unique per account; the idempotency key of the transaction' }),
    date: Type.String({ format: 'date', description: 'Calendar date YYYY-MM-DD' }),
    amount: Type.Unsafe<string | number>({
      type: ['string', 'number'],
      description: 'Exact decimal (string preferred); negative is money out, positive money in; at most the currency\'s minor-unit decimals; |amount| < 10^13',
      examples: ['-12.50'],
    }),
    currency: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$', description: "Defaults to the account's currency and must equal it" })),
    merchant_name: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])),
    description: Type.Optional(Type.Union([Type.String({ maxLength: 500 }), Type.Null()])),
    pending: Type.Optional(Type.Boolean({ description: 'The bank has not posted it yet; a pending transaction may be sent again changed (default false)' })),
    pending_transaction_id: Type.Optional(
      Type.Union([
        Type.String({ minLength: 1, maxLength: TRANSACTION_ID_MAX_LENGTH, pattern: IDENTIFIER_PATTERN, description: 'On a posted transaction: another transaction of the same account, pending, that it replaces' }),
        Type.Null(),
      ]),
    ),
  },
  { additionalProperties: true, description: 'Unknown fields are kept in the stored raw record' },
);

/** The ingestion body (§4) of a server that takes at most `maxBatchSize` transactions a request (MAX_BATCH_SIZE). */
export function ingestBody(maxBatchSize: number) {
  return Type.Object(
    {
      account: AccountInput,
      // The upper bound is counted before the body is parsed (src/http/json-body.ts), and exceeding it is a
      // 413 batch_too_large, not a 400: the document states it, the schema does not check it.
      transactions: documentedRule(
        Type.Array(TransactionInput, { minItems: 1, description: `1 to ${maxBatchSize} transactions (MAX_BATCH_SIZE); more is answered 413 batch_too_large` }),
        { maxItems: maxBatchSize },
      ),
    },
    {
      additionalProperties: true,
      examples: [
        {
          account: { account_id: 'ACC-001', currency: 'USD', name: 'Everyday Checking', institution: 'Example Bank' },
          transactions: [
            { transaction_id: 'TX-1001', date: '2026-11-02', amount: '-12.50', merchant_name: 'Starbucks', description: 'STARBUCKS STORE 1234 SEATTLE WA' },
            { transaction_id: 'TX-1002', date: '2026-11-03', amount: '-42.10', description: 'POS PURCHASE SHELL 5521', pending: true },
          ],
        },
      ],
    },
  );
}

export type IngestBody = Static<ReturnType<typeof ingestBody>>;

/** The longest Idempotency-Key accepted (contract §4); the shortest is one character. */
export const IDEMPOTENCY_KEY_MAX_LENGTH = 255;

export const IngestHeaders = Type.Object({
  // Checked by the route, which answers invalid_parameter for the header whatever the body says.
  'idempotency-key': Type.Optional(
    documentedRule(
      Type.String({ description: `1–${IDEMPOTENCY_KEY_MAX_LENGTH} characters; a retry with the same key and body replays the first answer for at least 24 h` }),
      { minLength: 1, maxLength: IDEMPOTENCY_KEY_MAX_LENGTH },
    ),
  ),
});

export const IngestAccepted = Type.Object({
  batch_id: Type.String({ format: 'uuid' }),
  account_id: Type.String(),
  status: Type.Enum(['pending', 'completed'], { type: 'string' }),
  received: Type.Integer(),
  accepted: Type.Integer(),
  duplicates: Type.Integer(),
  modified: Type.Integer({ description: 'Pending transactions stored earlier and updated by this batch' }),
  status_url: Type.String(),
}, {
  examples: [
    {
      batch_id: '0b6a4c5e-2f3d-4c1a-9e7b-5d8f6a1b2c3d',
      account_id: 'ACC-001',
      status: 'pending',
      received: 2,
      accepted: 2,
      duplicates: 0,
      modified: 0,
      status_url: '/api/batches/0b6a4c5e-2f3d-4c1a-9e7b-5d8f6a1b2c3d',
    },
  ],
});
export type IngestAccepted = Static<typeof IngestAccepted>;

export const RemoveBody = Type.Object(
  {
    account_id: AccountInput.properties.account_id,
    transaction_ids: Type.Array(
      Type.String({ minLength: 1, maxLength: TRANSACTION_ID_MAX_LENGTH, pattern: IDENTIFIER_PATTERN }),
      { minItems: 1, maxItems: 10_000, description: 'Ids of the account\'s transactions to remove; removing is idempotent and final' },
    ),
  },
  { additionalProperties: false },
);
export type RemoveBody = Static<typeof RemoveBody>;

export const RemoveOutcome = Type.Object({
  removed: Type.Integer({ description: 'Removed by this request' }),
  already_removed: Type.Integer({ description: 'Removed before' }),
  not_found: Type.Array(Type.String(), { description: 'Ids the account does not hold' }),
});
export type RemoveOutcome = Static<typeof RemoveOutcome>;
