import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '../src/domain/errors.js';
import { PROBLEMS } from '../src/http/problem.js';
import { clientTypes, openApiDocument } from '../scripts/openapi.js';

const run = promisify(execFile);
const root = new URL('../', import.meta.url);
const committed = (path: string) => readFileSync(new URL(path, root), 'utf8');

describe('the OpenAPI document and the typed client (issue #17)', () => {
  it('when the routes change, then the committed openapi.json and client types must be regenerated (npm run generate:client)', async () => {
    const document = await openApiDocument();
    expect(committed('openapi.json'), 'openapi.json is stale: run npm run generate:client').toBe(`${JSON.stringify(document, null, 2)}\n`);
    expect(committed('src/client/api-types.ts'), 'src/client/api-types.ts is stale: run npm run generate:client').toBe(await clientTypes(document));
  });

  it('when linted with Redocly recommended rules, then the document has no error and no warning', async () => {
    const bin = new URL('node_modules/@redocly/cli/bin/cli.js', root).pathname;
    const { stdout, stderr } = await run(process.execPath, [bin, 'lint', 'openapi.json', '--format=stylish'], {
      cwd: root.pathname,
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
    });
    expect(`${stdout}${stderr}`).toContain('Your API description is valid');
    expect(`${stdout}${stderr}`).not.toMatch(/You have \d+ warnings?/);
  }, 60_000);

  it('when any operation is documented, then it has an operationId, a tag and its security stated', async () => {
    const document = (await openApiDocument()) as { paths: Record<string, Record<string, { operationId?: string; tags?: string[] }>>; security?: unknown };
    const ids = new Set<string>();
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        expect(operation.operationId, `${method} ${path}`).toMatch(/^[a-z][A-Za-z]+$/);
        expect(ids.has(operation.operationId ?? ''), `${operation.operationId} is unique`).toBe(false);
        ids.add(operation.operationId ?? '');
        expect(operation.tags?.length, `${method} ${path} has a tag`).toBeGreaterThan(0);
      }
    }
    expect(document.security).toEqual([{ bearerAuth: [] }]);
  });
});

interface Media {
  schema?: Record<string, unknown>;
  example?: unknown;
  examples?: Record<string, { value: unknown }>;
}
interface DocumentedOperation {
  operationId: string;
  requestBody?: { content: Record<string, Media> };
  responses: Record<string, { description: string; content?: Record<string, Media> }>;
}
interface Document {
  paths: Record<string, Record<string, DocumentedOperation>>;
  components: { schemas: Record<string, Record<string, unknown>> };
}
const operations = (document: Document) =>
  Object.entries(document.paths).flatMap(([path, byMethod]) => Object.entries(byMethod).map(([method, operation]) => ({ path, method, operation })));

/** `value` with every reference to a named schema replaced by the schema, as a reader of the document follows it. */
function dereferenced<T>(value: T, components: Record<string, unknown>): T {
  if (Array.isArray(value)) return value.map((item) => dereferenced(item, components)) as T;
  if (typeof value !== 'object' || value === null) return value;
  const ref = (value as { $ref?: unknown }).$ref;
  if (typeof ref === 'string' && ref.startsWith('#/components/schemas/')) return dereferenced(components[ref.slice('#/components/schemas/'.length)] as T, components);
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, dereferenced(item, components)])) as T;
}

describe('problem responses and examples in the OpenAPI document (issue #17)', () => {
  it('when an operation documents an error answer, then it is application/problem+json, the one Problem component, with the codes of that status', async () => {
    const document = (await openApiDocument()) as unknown as Document;
    expect(Object.keys(document.components.schemas)).toContain('Problem');
    expect((document.components.schemas.Problem?.properties as { code: { enum: string[] } }).code.enum).toEqual(Object.keys(PROBLEMS));
    for (const { path, method, operation } of operations(document)) {
      const statuses = Object.keys(operation.responses);
      if (path.startsWith('/api/')) expect(statuses, `${method} ${path}`).toEqual(expect.arrayContaining(['401', '403', '429', '500', '503']));
      for (const status of statuses.filter((s) => /^[45]/.test(s))) {
        const where = `${method} ${path} ${status}`;
        const content = operation.responses[status]?.content ?? {};
        expect(Object.keys(content), where).toEqual(['application/problem+json']);
        const [reference, narrowing] = (content['application/problem+json']?.schema?.allOf ?? []) as [{ $ref: string }, { properties: { code: { enum: ErrorCode[] } } }];
        expect(reference, where).toEqual({ $ref: '#/components/schemas/Problem' });
        const codes = narrowing.properties.code.enum;
        expect(codes.length, where).toBeGreaterThan(0);
        // A path parameter too long is answered 414 invalid_parameter; the probes' 4XX covers their routing errors.
        for (const code of codes) if (status !== '414' && status !== '4XX') expect(`${code} → ${PROBLEMS[code].status}`, where).toBe(`${code} → ${status}`);
        for (const code of codes) expect(operation.responses[status]?.description, where).toContain(`\`${code}\``);
      }
    }
    const ingest = document.paths['/api/integrations/transactions']?.post;
    const codesOf = (status: string) => (ingest?.responses[status]?.content?.['application/problem+json']?.schema?.allOf as [unknown, { properties: { code: { enum: string[] } } }])[1].properties.code.enum;
    expect(codesOf('409').sort()).toEqual(['account_currency_mismatch', 'duplicate_conflict', 'idempotency_in_progress']);
    expect(codesOf('413').sort()).toEqual(['batch_too_large', 'payload_too_large']);
    expect(codesOf('422')).toEqual(['idempotency_key_reused']);
  });

  it('when a client is generated, then it has one Problem type that every error answer uses', () => {
    const types = committed('src/client/api-types.ts');
    const allCodes = Object.keys(PROBLEMS)
      .map((code) => `"${code}"`)
      .join(' | ');
    expect(types.split(allCodes).length - 1, 'the full code union is written once, in Problem').toBe(1);
    expect(types).toMatch(/^ {8}Problem: \{$/m);
    expect(types).not.toMatch(/"application\/json": \{\s*type: string;\s*title: string;/);
    expect(types).toContain('"application/problem+json": components["schemas"]["Problem"] & {');
  });

  it('when a client is generated, then each object the API answers with is one named type wherever it appears, and each status a plain enum', () => {
    const document = JSON.parse(committed('openapi.json')) as Document;
    expect(Object.keys(document.components.schemas).sort()).toEqual(
      ['Account', 'AccountSummary', 'Batch', 'Change', 'MonthlyReport', 'Problem', 'Reenrichment', 'Transaction', 'WebhookDelivery', 'WebhookEndpoint'].sort(),
    );
    const types = committed('src/client/api-types.ts');
    // The transaction of the account list, the one read, the corrected one, the batch's and the change's.
    expect(types.split('components["schemas"]["Transaction"]').length - 1).toBe(5);
    expect(types.split('components["schemas"]["Batch"]').length - 1).toBeGreaterThanOrEqual(3);
    expect(types).toMatch(/^ {8}Transaction: \{$/m);
    // `status` as one enum, not a union of one-value enums that other generators turn into a type each.
    expect(JSON.stringify(document)).not.toMatch(/"anyOf":\[\{"enum":\["[a-z_.]+"\]\}/);
    expect(document.components.schemas.Transaction?.properties).toMatchObject({ status: { type: 'string', enum: ['pending', 'processing', 'completed', 'failed'] } });
  });

  it('when the main request and response bodies are documented, then each has an example, and every example matches its schema', async () => {
    const document = (await openApiDocument()) as unknown as Document;
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats.default(ajv);
    ajv.addSchema({ $id: 'https://lucro.invalid/openapi.json', components: document.components });
    // An example may sit on the media type (one or named) or in the schema (JSON Schema's examples).
    const examplesOf = (media: Media | undefined) => [
      ...(media && 'example' in media ? [media.example] : []),
      ...Object.values(media?.examples ?? {}).map((named) => named.value),
      ...((dereferenced(media?.schema, document.components.schemas)?.examples ?? []) as unknown[]),
    ];
    const main: Array<[string, string, string]> = [
      ['/api/integrations/transactions', 'post', 'request'],
      ['/api/integrations/transactions', 'post', '202'],
      ['/api/batches/{batch_id}', 'get', '200'],
      ['/api/accounts/{account_id}/transactions/{transaction_id}', 'get', '200'],
      ['/api/accounts/{account_id}/transactions/{transaction_id}', 'patch', 'request'],
      ['/api/reports/account/{account_id}/summary', 'get', '200'],
      ['/api/reports/account/{account_id}/monthly', 'get', '200'],
      ['/api/accounts', 'get', '200'],
    ];
    for (const [path, method, which] of main) {
      const operation = document.paths[path]?.[method];
      const media = which === 'request' ? operation?.requestBody?.content['application/json'] : operation?.responses[which]?.content?.['application/json'];
      expect(examplesOf(media).length, `${method} ${path} ${which} has an example`).toBeGreaterThan(0);
    }
    let checked = 0;
    for (const { path, method, operation } of operations(document)) {
      const bodies = [operation.requestBody, ...Object.values(operation.responses)].flatMap((part) => Object.entries(part?.content ?? {}));
      for (const [type, media] of bodies) {
        for (const example of examplesOf(media)) {
          const { examples: _examples, ...schema } = media.schema ?? {};
          const validate = ajv.compile({ $id: `https://lucro.invalid/example-${checked}`, ...JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"https://lucro.invalid/openapi.json#/components/')) });
          expect(validate(example), `${method} ${path} ${type} example: ${ajv.errorsText(validate.errors)}`).toBe(true);
          checked += 1;
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
  });
});

interface Parameter {
  name: string;
  in: string;
  schema: Record<string, unknown>;
}
interface Header {
  required?: boolean;
  schema: Record<string, unknown>;
}
type Responses = Record<string, { headers?: Record<string, Header>; content?: Record<string, Media> }>;

const CATEGORIES = [
  'INCOME',
  'TRANSFER_IN',
  'TRANSFER_OUT',
  'LOAN_PAYMENTS',
  'BANK_FEES',
  'ENTERTAINMENT',
  'FOOD_AND_DRINK',
  'GENERAL_MERCHANDISE',
  'HOME_IMPROVEMENT',
  'MEDICAL',
  'PERSONAL_CARE',
  'GENERAL_SERVICES',
  'GOVERNMENT_AND_NON_PROFIT',
  'TRANSPORTATION',
  'TRAVEL',
  'RENT_AND_UTILITIES',
  'UNCATEGORIZED',
];

describe('what the OpenAPI document promises a client author (contract §2–§5, §8, §10–§15)', () => {
  // As a client author reads it: a named schema (`#/components/schemas/Transaction`) where it is used.
  const document = () => {
    const read = JSON.parse(committed('openapi.json')) as { paths: Record<string, Record<string, { operationId: string; parameters?: Parameter[]; requestBody?: { content: Record<string, Media> }; responses: Responses }>>; components: { schemas: Record<string, unknown> } };
    return { ...read, paths: dereferenced(read.paths, read.components.schemas) };
  };
  const operation = (path: string, method: string) => {
    const found = document().paths[path]?.[method];
    if (!found) throw new Error(`${method} ${path} is not documented`);
    return found;
  };
  const parameter = (path: string, method: string, name: string) => operation(path, method).parameters?.find((p) => p.name === name)?.schema;
  const json = (path: string, method: string, status: string) => operation(path, method).responses[status]?.content?.['application/json']?.schema as Record<string, Record<string, Record<string, unknown>>>;

  it('when an error answer carries members beyond §3 (the ids of a duplicate conflict, the account\'s currency, the batch limit, the wait), then the document declares them, and the client types them', () => {
    const ingest = operation('/api/integrations/transactions', 'post');
    const membersOf = (status: string) => (ingest.responses[status]?.content?.['application/problem+json']?.schema?.allOf as [unknown, { properties: Record<string, unknown> }])[1].properties;
    expect(membersOf('409')).toMatchObject({ transaction_ids: { type: 'array', items: { type: 'string' } }, account_currency: { type: 'string' } });
    expect(membersOf('413')).toMatchObject({ max_batch_size: { type: 'integer' } });
    expect(membersOf('429')).toMatchObject({ retry_after: { type: 'integer', minimum: 1 } });
    expect(committed('src/client/api-types.ts')).toMatch(/code: "account_currency_mismatch" \| "duplicate_conflict" \| "idempotency_in_progress";(?:\s+\/\*\*.*\*\/)?\s+account_currency\?: string;(?:\s+\/\*\*.*\*\/)?\s+transaction_ids\?: string\[\];/);
  });

  it('when a batch or re-enrichment is accepted, then the 202 declares the Location it always sends, and a replay its Idempotent-Replayed', () => {
    const ingest = operation('/api/integrations/transactions', 'post').responses['202']?.headers;
    expect(ingest?.Location).toMatchObject({ required: true, schema: { type: 'string' } });
    expect(ingest?.['Idempotent-Replayed']).toMatchObject({ schema: { type: 'string', enum: ['true'] } });
    expect(ingest?.['Idempotent-Replayed']?.required).toBeUndefined();
    expect(operation('/api/accounts/{account_id}/reenrich', 'post').responses['202']?.headers?.Location).toMatchObject({ required: true, schema: { type: 'string' } });
  });

  it('when a re-enrichment may be asked without a body, then the document does not require one; a batch\'s body stays required', () => {
    type WithBody = { requestBody?: { required?: boolean } };
    expect((operation('/api/accounts/{account_id}/reenrich', 'post') as WithBody).requestBody?.required).toBe(false);
    expect((operation('/api/integrations/transactions', 'post') as WithBody).requestBody?.required).toBe(true);
  });

  it('when any /api operation answers 401, 429 or 503, then it declares WWW-Authenticate: Bearer or Retry-After in seconds, always sent', () => {
    let checked = 0;
    for (const [path, byMethod] of Object.entries(document().paths).filter(([path]) => path.startsWith('/api/'))) {
      for (const [method, { responses }] of Object.entries(byMethod)) {
        expect(responses['401']?.headers, `${method} ${path} 401`).toEqual({
          'WWW-Authenticate': { schema: { type: 'string', enum: ['Bearer'] }, description: expect.any(String), required: true },
        });
        for (const status of ['429', '503']) {
          expect(responses[status]?.headers, `${method} ${path} ${status}`).toEqual({
            'Retry-After': { schema: { type: 'integer', minimum: 1 }, description: expect.any(String), required: true },
          });
        }
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(20);
    expect(operation('/readyz', 'get').responses['503']?.headers?.['Retry-After']).toMatchObject({ required: true, schema: { type: 'integer', minimum: 1 } });
  });

  it('when a list is paged, then limit is declared as the integer 1–1000 it must be, default 100, on every list', () => {
    const limits = Object.entries(document().paths).flatMap(([path, byMethod]) =>
      Object.values(byMethod).flatMap(({ operationId, parameters = [] }) => parameters.filter((p) => p.name === 'limit').map((p) => ({ operationId, path, schema: p.schema }))),
    );
    expect(limits.map((limit) => limit.operationId).sort()).toEqual([
      'listAccountTransactions',
      'listAccounts',
      'listBatchTransactions',
      'listBatches',
      'listChanges',
      'listWebhookDeliveries',
    ]);
    for (const { path, schema } of limits) expect(schema, path).toEqual({ type: 'integer', minimum: 1, maximum: 1000, default: 100 });
  });

  it('when a list is filtered by status, category or a flag, then the values it takes are declared as an enum', () => {
    expect(parameter('/api/batches', 'get', 'status')).toEqual({ type: 'string', enum: ['pending', 'processing', 'completed', 'completed_with_errors'] });
    expect(parameter('/api/accounts/{account_id}/transactions', 'get', 'status')).toEqual({ type: 'string', enum: ['pending', 'processing', 'completed', 'failed'] });
    expect(parameter('/api/webhooks/{id}/deliveries', 'get', 'status')).toEqual({ type: 'string', enum: ['pending', 'delivered', 'failed'] });
    expect(parameter('/api/accounts/{account_id}/transactions', 'get', 'category')).toEqual({ type: 'string', enum: CATEGORIES });
    expect(parameter('/api/accounts/{account_id}/transactions', 'get', 'include_removed')).toEqual({ type: 'string', enum: ['true', 'false'], default: 'false' });
    expect(parameter('/api/accounts/{account_id}/transactions', 'get', 'start_date')).toEqual({ type: 'string', format: 'date' });
    for (const path of ['/api/reports/account/{account_id}/summary', '/api/reports/account/{account_id}/monthly']) {
      expect(parameter(path, 'get', 'include_pending'), path).toEqual({ type: 'string', enum: ['true', 'false'], default: 'true' });
    }
  });

  it('when a batch is ingested, then the Idempotency-Key is declared 1–255 characters and transactions 1 to MAX_BATCH_SIZE (10000 by default)', () => {
    expect(parameter('/api/integrations/transactions', 'post', 'idempotency-key')).toEqual({ type: 'string', minLength: 1, maxLength: 255 });
    const body = operation('/api/integrations/transactions', 'post').requestBody?.content['application/json']?.schema as { properties: Record<string, Record<string, unknown>> };
    expect(body.properties.transactions).toMatchObject({ type: 'array', minItems: 1, maxItems: 10000 });
  });

  it('when a category is sent or read, then it is declared as one of the 17 values (16 categories and UNCATEGORIZED), UNCATEGORIZED left out where spend is ranked', () => {
    const transaction = json('/api/accounts/{account_id}/transactions/{transaction_id}', 'get', '200');
    expect(transaction.properties?.category).toMatchObject({ type: ['string', 'null'], enum: [...CATEGORIES, null] });
    const page = json('/api/accounts/{account_id}/transactions', 'get', '200') as unknown as { properties: { transactions: { items: { properties: { category: unknown } } } } };
    expect(page.properties.transactions.items.properties.category).toMatchObject({ enum: [...CATEGORIES, null] });
    const summary = json('/api/reports/account/{account_id}/summary', 'get', '200') as unknown as { properties: { top_spend_categories: { items: { properties: { category: unknown } } } } };
    expect(summary.properties.top_spend_categories.items.properties.category).toMatchObject({ type: 'string', enum: CATEGORIES.filter((c) => c !== 'UNCATEGORIZED') });
    const monthly = json('/api/reports/account/{account_id}/monthly', 'get', '200') as unknown as { properties: { months: { items: { properties: { categories: { items: { properties: { category: unknown } } } } } } } };
    expect(monthly.properties.months.items.properties.categories.items.properties.category).toMatchObject({ enum: CATEGORIES.filter((c) => c !== 'UNCATEGORIZED') });
    const listed = json('/api/categories', 'get', '200') as unknown as { properties: { categories: { items: { properties: { category: unknown } } } } };
    expect(listed.properties.categories.items.properties.category).toEqual({ type: 'string', enum: CATEGORIES });
    const correction = operation('/api/accounts/{account_id}/transactions/{transaction_id}', 'patch').requestBody?.content['application/json']?.schema as { properties: { category: { anyOf: unknown[] } } };
    expect(correction.properties.category.anyOf).toEqual([{ type: 'string', enum: CATEGORIES }, { type: 'null' }]);
  });

  it('when accounts are listed, then transaction_count is described as leaving removed transactions out (§10)', () => {
    const accounts = json('/api/accounts', 'get', '200') as unknown as { properties: { accounts: { items: { properties: { transaction_count: { description: string } } } } } };
    const { description } = accounts.properties.accounts.items.properties.transaction_count;
    expect(description).toContain('removed transactions are not counted');
    expect(description).not.toContain('whatever their status');
  });
});
