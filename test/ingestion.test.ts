import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tryLockIdempotencyKey } from '../src/ingestion/ingestion.repository.js';
import { batchBody, bearer, createTestContext, type TestContext } from './helpers/context.js';

const URL_ = '/api/integrations/transactions/';
let ctx: TestContext;
let key: string;

beforeAll(async () => {
  ctx = await createTestContext();
  key = await ctx.key(['ingest']);
});
afterAll(() => ctx.close());

async function post(body: unknown, headers: Record<string, string> = {}, url = URL_) {
  return ctx.app.inject({ method: 'POST', url, headers: { ...bearer(key), 'content-type': 'application/json', ...headers }, payload: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body) });
}

/** The amount as the API reads it back. */
async function amountOf(accountId: string, transactionId: string): Promise<string> {
  return (await ctx.app.inject({ url: `/api/accounts/${accountId}/transactions/${transactionId}`, headers: bearer(key) })).json().amount;
}

async function count(table: string, where = 'true', params: unknown[] = []): Promise<number> {
  const { rows } = await ctx.sql.query(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`, params);
  return rows[0].n;
}

async function rowCounts() {
  return { accounts: await count('accounts'), batches: await count('batches'), transactions: await count('transactions') };
}

function pointers(response: { json(): { errors?: Array<{ pointer: string }> } }): string[] {
  return (response.json().errors ?? []).map((e) => e.pointer);
}

describe('POST /api/integrations/transactions/', () => {
  it('when a valid batch is posted, then it answers 202 with the batch and stores every transaction pending', async () => {
    const body = batchBody(3, { accountId: 'ACC-OK' });
    const response = await post(body);
    expect(response.statusCode).toBe(202);
    const json = response.json();
    expect(json).toMatchObject({ account_id: 'ACC-OK', status: 'pending', received: 3, accepted: 3, duplicates: 0 });
    expect(json.batch_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(json.status_url).toBe(`/api/batches/${json.batch_id}`);
    expect(response.headers.location).toBe(json.status_url);
    const { rows } = await ctx.sql.query(
      `SELECT t.transaction_id, t.amount::text, t.status, t.raw FROM transactions t JOIN accounts a ON a.id = t.account_id
        WHERE a.external_id = 'ACC-OK' ORDER BY t.transaction_id`,
    );
    expect(rows.map((r) => [r.transaction_id, r.amount, r.status])).toEqual([
      ['TX-1', '-3.50', 'pending'],
      ['TX-2', '-6.50', 'pending'],
      ['TX-3', '-9.50', 'pending'],
    ]);
    expect(rows[0].raw).toMatchObject({ transaction_id: 'TX-1', merchant_name: 'Starbucks' });
  });

  it('when the path has no trailing slash, then it works the same', async () => {
    const response = await post(batchBody(1, { accountId: 'ACC-NOSLASH' }), {}, '/api/integrations/transactions');
    expect(response.statusCode).toBe(202);
  });

  it('when one of 15 transactions is invalid, then it answers 400 and no account, batch or transaction exists', async () => {
    const before = await rowCounts();
    const body = batchBody(15, { accountId: 'ACC-ATOMIC' });
    body.transactions[7]!.amount = 'twelve';
    const response = await post(body);
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ status: 400, code: 'validation_error', errors: [{ pointer: '/transactions/7/amount' }] });
    expect(await rowCounts()).toEqual(before);
    expect(await count('accounts', `external_id = 'ACC-ATOMIC'`)).toBe(0);
  });

  it('when several fields are wrong, then every problem is listed with its JSON Pointer', async () => {
    const body = {
      account: { account_id: 'bad id!', currency: 'usd', name: 'x'.repeat(201) },
      transactions: [
        { transaction_id: '', date: '2026-02-30', amount: '1.00' },
        { date: '2026-11-01', amount: '12.500', merchant_name: 'y'.repeat(201), description: 'z'.repeat(501) },
      ],
    };
    const response = await post(body);
    expect(response.statusCode).toBe(400);
    expect(pointers(response).sort()).toEqual(
      [
        '/account/account_id',
        '/account/currency',
        '/account/name',
        '/transactions/0/transaction_id',
        '/transactions/0/date',
        '/transactions/1/transaction_id',
        '/transactions/1/merchant_name',
        '/transactions/1/description',
      ].sort(),
    );
  });

  it('when the currency is not an active ISO 4217 code, then the account currency is named', async () => {
    const response = await post(batchBody(1, { currency: 'XYZ', accountId: 'ACC-XYZ' }));
    expect(response.statusCode).toBe(400);
    expect(pointers(response)).toContain('/account/currency');
  });

  it('when the account currency is wrong, then amounts wrong in every currency are named too, and those that may fit it are not', async () => {
    for (const currency of ['ZZZ', 'usd']) {
      const amounts = ['y', '99999999999999999', '1.00001', '12.500', '-7'];
      const response = await post(batchBody(amounts.length, { currency, accountId: 'ACC-ZZZ', amount: (i) => amounts[i] as string }));
      expect(response.statusCode).toBe(400);
      // One answer that a client can fix everything from: 12.500 may be right for the currency they meant.
      const amountProblems = ['/account/currency', '/transactions/0/amount', '/transactions/1/amount', '/transactions/2/amount'];
      // Each transaction repeats the currency here: lower case, its own is named as well.
      const currencyProblems = currency === 'usd' ? amounts.map((_, i) => `/transactions/${i}/currency`) : [];
      expect(pointers(response).sort(), currency).toEqual([...amountProblems, ...currencyProblems].sort());
    }
  });

  it('when an amount has more decimals than the currency allows, then it is rejected per currency', async () => {
    const usd = batchBody(1, { accountId: 'ACC-DEC', amount: () => '12.500' });
    expect(pointers(await post(usd))).toEqual(['/transactions/0/amount']);
    const jpy = batchBody(1, { accountId: 'ACC-JPY', currency: 'JPY', amount: () => '10.5' });
    expect(pointers(await post(jpy))).toEqual(['/transactions/0/amount']);
    const bhd = batchBody(1, { accountId: 'ACC-BHD', currency: 'BHD', amount: () => '-1.125' });
    expect((await post(bhd)).statusCode).toBe(202);
  });

  it('when an amount reaches 10^13, then it is rejected; just below is stored exactly', async () => {
    expect(pointers(await post(batchBody(1, { accountId: 'ACC-BIG', amount: () => '10000000000000.00' })))).toEqual(['/transactions/0/amount']);
    const ok = await post(batchBody(1, { accountId: 'ACC-BIG', amount: () => '-9999999999999.99' }));
    expect(ok.statusCode).toBe(202);
    expect(await amountOf('ACC-BIG', 'TX-1')).toBe('-9999999999999.99');
  });

  it('when amounts are JSON numbers, then they are stored exactly, even beyond a double', async () => {
    const text = JSON.stringify(batchBody(2, { accountId: 'ACC-NUM', currency: 'BHD' }))
      .replace('"amount":"-3.50"', '"amount":1234567890123.456')
      .replace('"amount":"-6.50"', '"amount":-0.1');
    const response = await post(text);
    expect(response.statusCode).toBe(202);
    expect([await amountOf('ACC-NUM', 'TX-1'), await amountOf('ACC-NUM', 'TX-2')]).toEqual(['1234567890123.456', '-0.100']);
  });

  it('when an amount a double cannot hold is sent as a number with trailing zeros or an exponent, then it is the same number', async () => {
    const body = (amount: string) =>
      JSON.stringify(batchBody(1, { accountId: 'ACC-CLF', currency: 'CLF' })).replace('"amount":"-3.50"', `"amount":${amount}`);
    const first = await post(body('1234567890123.45670'), { 'idempotency-key': 'clf-number' });
    expect(first.statusCode).toBe(202);
    // The same number written otherwise is the same request: a replay, not another body.
    const again = await post(body('12345678901234567e-4'), { 'idempotency-key': 'clf-number' });
    expect(again.statusCode).toBe(202);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(await amountOf('ACC-CLF', 'TX-1')).toBe('1234567890123.4567');
  });

  it('when a JSON number is far below a cent or above 10^13, written with an exponent or as long digits, then it is named like any other bad amount', async () => {
    const text = JSON.stringify(batchBody(3, { accountId: 'ACC-EXP' }))
      .replace('"amount":"-3.50"', '"amount":1e-999999999')
      .replace('"amount":"-6.50"', `"amount":0.${'0'.repeat(100_000)}1`)
      .replace('"amount":"-9.50"', '"amount":1.5e400');
    const response = await post(text);
    expect(response.json()).toMatchObject({ status: 400, code: 'validation_error' });
    expect(pointers(response)).toEqual(['/transactions/0/amount', '/transactions/1/amount', '/transactions/2/amount']);
  });

  it('when amount is a boolean, null or missing, then it is named', async () => {
    const body = batchBody(3, { accountId: 'ACC-TYPE' });
    body.transactions[0]!.amount = true;
    body.transactions[1]!.amount = null;
    delete body.transactions[2]!.amount;
    expect(pointers(await post(body)).sort()).toEqual(['/transactions/0/amount', '/transactions/1/amount', '/transactions/2/amount']);
  });

  it('when a transaction currency differs from the account, then it is rejected; when omitted, the account currency is used', async () => {
    const body = batchBody(2, { accountId: 'ACC-CUR' });
    body.transactions[0]!.currency = 'EUR';
    delete body.transactions[1]!.currency;
    expect(pointers(await post(body))).toEqual(['/transactions/0/currency']);
    delete body.transactions[0]!.currency;
    expect((await post(body)).statusCode).toBe(202);
    expect(await count('transactions t JOIN accounts a ON a.id = t.account_id', `a.external_id = 'ACC-CUR' AND t.currency = 'USD'`)).toBe(2);
  });

  it('when a transaction id repeats within the request, then the repeat is named', async () => {
    const body = batchBody(3, { accountId: 'ACC-REP' });
    body.transactions[2]!.transaction_id = 'TX-1';
    expect(pointers(await post(body))).toEqual(['/transactions/2/transaction_id']);
  });

  it('when transactions is empty or not an array, then it is named', async () => {
    expect(pointers(await post({ account: { account_id: 'A', currency: 'USD' }, transactions: [] }))).toEqual(['/transactions']);
    expect(pointers(await post({ account: { account_id: 'A', currency: 'USD' }, transactions: {} }))).toEqual(['/transactions']);
    expect(pointers(await post({ transactions: [] })).sort()).toEqual(['/account', '/transactions']);
  });

  it('when unknown fields are sent, then they are kept in the raw record and optional fields read back null', async () => {
    const body = { account: { account_id: 'ACC-RAW', currency: 'EUR' }, transactions: [{ transaction_id: 'R1', date: '2026-01-31', amount: '5', mcc: '5814', extra: { nested: [1, 'two'] } }] };
    const response = await post(body);
    expect(response.statusCode).toBe(202);
    const { rows } = await ctx.sql.query(`SELECT raw, merchant_name, description, amount::text FROM transactions WHERE transaction_id = 'R1'`);
    expect(rows[0]).toEqual({ raw: body.transactions[0], merchant_name: null, description: null, amount: '5.00' });
  });

  it('when text holds a NUL character, then the field is named instead of failing', async () => {
    const body = batchBody(1, { accountId: 'ACC-NUL' });
    body.transactions[0]!.description = 'bad\u0000text';
    const response = await post(body);
    expect(response.statusCode).toBe(400);
    expect(pointers(response)).toEqual(['/transactions/0/description']);
  });

  it('when more than MAX_BATCH_SIZE transactions are sent, then 413 batch_too_large and nothing is stored', async () => {
    const small = await createTestContext({ MAX_BATCH_SIZE: '5' });
    try {
      const k = await small.key(['ingest']);
      const response = await small.app.inject({ method: 'POST', url: URL_, headers: { ...bearer(k), 'content-type': 'application/json' }, payload: batchBody(6) });
      expect(response.statusCode).toBe(413);
      expect(response.json().code).toBe('batch_too_large');
      expect(await small.sql.query('SELECT count(*)::int AS n FROM transactions').then((r) => r.rows[0].n)).toBe(0);
      const ok = await small.app.inject({ method: 'POST', url: URL_, headers: { ...bearer(k), 'content-type': 'application/json' }, payload: batchBody(5) });
      expect(ok.statusCode).toBe(202);
    } finally {
      await small.close();
    }
  });

  it('when the body is over 10 MiB, then 413 payload_too_large', async () => {
    const response = await post(`{"pad":"${'x'.repeat(10 * 1024 * 1024 + 10)}"}`);
    expect(response.statusCode).toBe(413);
    expect(response.json().code).toBe('payload_too_large');
  });

  it('when a body under 10 MiB holds millions of small values, then 413 payload_too_large says how many are read, and nothing is stored', async () => {
    const before = await rowCounts();
    const body = JSON.stringify(batchBody(2, { accountId: 'ACC-VALUES' })).replace('"merchant_name":"Starbucks"', `"merchant_name":"Starbucks","x":[${'1,'.repeat(2_000_000)}1]`);
    expect(body.length).toBeLessThan(10 * 1024 * 1024);
    const response = await post(body);
    expect(response.json()).toMatchObject({
      status: 413,
      code: 'payload_too_large',
      detail: 'The request body holds 2000042 JSON values; at most 1000 and 200 per item of transactions are read (1400 here).',
    });
    expect(await rowCounts()).toEqual(before);
    // A bank's rich record (a hundred values in unknown fields) is far inside it.
    const rich = batchBody(2, { accountId: 'ACC-VALUES' });
    rich.transactions[0]!.meta = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`field_${i}`, i]));
    expect((await post(rich)).statusCode).toBe(202);
  });

  it('when Content-Type is missing or not JSON, then 415 unsupported_media_type', async () => {
    const text = await ctx.app.inject({ method: 'POST', url: URL_, headers: { ...bearer(key), 'content-type': 'text/plain' }, payload: JSON.stringify(batchBody(1)) });
    expect(text.statusCode).toBe(415);
    expect(text.json().code).toBe('unsupported_media_type');
    const none = await ctx.app.inject({ method: 'POST', url: URL_, headers: bearer(key), payload: Buffer.from(JSON.stringify(batchBody(1))) });
    expect(none.statusCode).toBe(415);
    // Neither a body nor a type: still the missing type, on every route that takes a body.
    for (const url of [URL_, '/api/integrations/transactions/remove', '/api/accounts/ACC-001/transactions/TX-1']) {
      const nothing = await ctx.app.inject({ method: url.includes('/accounts/') ? 'PATCH' : 'POST', url, headers: bearer(key) });
      expect(nothing.json(), url).toMatchObject({ status: 415, code: 'unsupported_media_type' });
    }
    // A key is still asked for first.
    expect((await ctx.app.inject({ method: 'POST', url: URL_ })).statusCode).toBe(401);
  });

  it('when the JSON body is compressed (Content-Encoding: gzip), then 415 unsupported_media_type says to send it uncompressed, and nothing is stored', async () => {
    const before = await rowCounts();
    const response = await ctx.app.inject({
      method: 'POST',
      url: URL_,
      headers: { ...bearer(key), 'content-type': 'application/json', 'content-encoding': 'gzip' },
      payload: gzipSync(JSON.stringify(batchBody(1, { accountId: 'ACC-GZIP' }))),
    });
    expect(response.statusCode).toBe(415);
    expect(response.json()).toMatchObject({ code: 'unsupported_media_type', detail: 'Content-Encoding gzip is not supported; send the body uncompressed.' });
    expect(await rowCounts()).toEqual(before);
  });

  it('when Content-Type carries a charset or a +json suffix, then the body is accepted', async () => {
    for (const [i, type] of ['application/json; charset=utf-8', 'application/json;charset=UTF-8', 'application/json; charset="utf8"', 'Application/JSON', 'application/vnd.bank+json'].entries()) {
      const response = await post(batchBody(1, { accountId: `ACC-CT-${i}` }), { 'content-type': type });
      expect(response.statusCode, type).toBe(202);
    }
  });

  it('when Content-Type declares a charset other than UTF-8, then 415 unsupported_media_type names it, and nothing is stored', async () => {
    const before = await rowCounts();
    for (const [type, charset] of [['application/json; charset=UTF-16', 'utf-16'], ['application/json;charset="ISO-8859-1"', 'iso-8859-1'], ['application/json; charset=latin1', 'latin1']]) {
      const response = await post(batchBody(1, { accountId: 'ACC-CHARSET' }), { 'content-type': type ?? '' });
      expect(response.statusCode, type).toBe(415);
      expect(response.json()).toMatchObject({ code: 'unsupported_media_type', detail: `charset ${charset} is not supported; send the body as UTF-8.` });
    }
    expect(await rowCounts()).toEqual(before);
  });

  it('when the body holds bytes that are not UTF-8, then 400 invalid_json and nothing is stored, not text with replacement characters', async () => {
    const before = await rowCounts();
    const text = JSON.stringify(batchBody(1, { accountId: 'ACC-LATIN1' })).replace('"description":"', '"description":"Caf\u00e9 ');
    // `Café` in Latin-1: a lone 0xE9 byte.
    const response = await post(Buffer.from(text, 'latin1'));
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'invalid_json', detail: 'The request body is not valid UTF-8.' });
    expect(await rowCounts()).toEqual(before);
    // The same text in UTF-8 is accepted as sent.
    expect((await post(Buffer.from(text, 'utf8'))).statusCode).toBe(202);
    const { rows } = await ctx.sql.query(`SELECT description FROM transactions t JOIN accounts a ON a.id = t.account_id WHERE a.external_id = 'ACC-LATIN1'`);
    expect(rows[0].description).toMatch(/^Café /);
  });

  it('when the JSON is malformed or empty, then 400 invalid_json', async () => {
    for (const payload of ['{"account":', '', 'not json']) {
      const response = await post(payload);
      expect(response.statusCode, payload).toBe(400);
      expect(response.json().code).toBe('invalid_json');
    }
  });

  it('when the body is JSON but not an object, then 400 validation_error pointing at the whole document ("" in RFC 6901)', async () => {
    const response = await post('[1,2]');
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'validation_error', errors: [{ pointer: '' }] });
  });
});

describe('duplicates and conflicts', () => {
  it('when the same transactions are posted again, then they are skipped and counted, and an all-duplicate batch is completed', async () => {
    const body = batchBody(4, { accountId: 'ACC-DUP' });
    expect((await post(body)).json().accepted).toBe(4);
    body.transactions.push({ transaction_id: 'TX-NEW', date: '2026-11-20', amount: '1.00' });
    const second = (await post(body)).json();
    expect(second).toMatchObject({ received: 5, accepted: 1, duplicates: 4, status: 'pending' });
    const third = await post(batchBody(4, { accountId: 'ACC-DUP' }));
    expect(third.json()).toMatchObject({ received: 4, accepted: 0, duplicates: 4, status: 'completed' });
    const batch = await ctx.app.inject({ url: third.json().status_url, headers: bearer(key) });
    expect(batch.json()).toMatchObject({ status: 'completed', counts: { total: 0 } });
    expect(batch.json().completed_at).not.toBeNull();
    expect(await count('transactions t JOIN accounts a ON a.id = t.account_id', `a.external_id = 'ACC-DUP'`)).toBe(5);
  });

  it('when an amount is re-sent in another notation, then it is still the same transaction', async () => {
    await post(batchBody(1, { accountId: 'ACC-NOTATION', amount: () => '-3.5' }));
    const again = await post(batchBody(1, { accountId: 'ACC-NOTATION', amount: () => -3.5 }));
    expect(again.json()).toMatchObject({ accepted: 0, duplicates: 1 });
  });

  it('when a stored transaction id comes with other content, then 409 duplicate_conflict lists it and nothing is stored', async () => {
    await post(batchBody(3, { accountId: 'ACC-CONFLICT' }));
    const before = await rowCounts();
    const body = batchBody(3, { accountId: 'ACC-CONFLICT' });
    body.transactions[1]!.amount = '-100.00';
    body.transactions.push({ transaction_id: 'TX-NEW', date: '2026-11-20', amount: '1.00' });
    const response = await post(body);
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({ code: 'duplicate_conflict', transaction_ids: ['TX-2'] });
    expect(await rowCounts()).toEqual(before);
  });

  it('when an existing account is re-sent with another currency, then 409 account_currency_mismatch and nothing is stored', async () => {
    await post(batchBody(1, { accountId: 'ACC-CURMIX' }));
    const before = await rowCounts();
    const response = await post(batchBody(1, { accountId: 'ACC-CURMIX', currency: 'EUR', prefix: 'EU' }));
    expect(response.statusCode).toBe(409);
    expect(response.json().code).toBe('account_currency_mismatch');
    expect(await rowCounts()).toEqual(before);
  });

  it('when two requests race with the same new transaction ids, then each transaction is stored once', async () => {
    const body = batchBody(200, { accountId: 'ACC-RACE' });
    const responses = await Promise.all(Array.from({ length: 4 }, () => post(body)));
    expect(responses.map((r) => r.statusCode)).toEqual([202, 202, 202, 202]);
    const accepted = responses.map((r) => r.json().accepted as number);
    expect(accepted.reduce((a, b) => a + b, 0)).toBe(200);
    expect(await count('transactions t JOIN accounts a ON a.id = t.account_id', `a.external_id = 'ACC-RACE'`)).toBe(200);
  });
});

describe('Idempotency-Key', () => {
  it('when a request is retried with the same key and body, then the first 202 is replayed and nothing new is stored', async () => {
    const body = batchBody(2, { accountId: 'ACC-IDEM' });
    const first = await post(body, { 'idempotency-key': 'key-1' });
    const before = await rowCounts();
    // The same JSON value with keys in another order is the same request.
    const reordered = { transactions: body.transactions, account: body.account };
    const replay = await post(reordered, { 'idempotency-key': 'key-1' });
    expect(replay.statusCode).toBe(202);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.json()).toEqual(first.json());
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(await rowCounts()).toEqual(before);
  });

  it('when the same key comes with another body, then 422 idempotency_key_reused', async () => {
    await post(batchBody(1, { accountId: 'ACC-IDEM2' }), { 'idempotency-key': 'key-2' });
    const response = await post(batchBody(2, { accountId: 'ACC-IDEM2' }), { 'idempotency-key': 'key-2' });
    expect(response.statusCode).toBe(422);
    expect(response.json().code).toBe('idempotency_key_reused');
  });

  it('when a request with a key fails, then the key is not used up', async () => {
    const bad = batchBody(1, { accountId: 'ACC-IDEM3', amount: () => 'oops' });
    expect((await post(bad, { 'idempotency-key': 'key-3' })).statusCode).toBe(400);
    expect((await post(batchBody(1, { accountId: 'ACC-IDEM3' }), { 'idempotency-key': 'key-3' })).statusCode).toBe(202);
  });

  it('when two requests with one key race, then one batch is created and the other is replayed or told it is in progress', async () => {
    const body = batchBody(300, { accountId: 'ACC-IDEM-RACE' });
    const responses = await Promise.all(Array.from({ length: 5 }, () => post(body, { 'idempotency-key': 'race-key' })));
    for (const r of responses) expect([202, 409]).toContain(r.statusCode);
    const conflicts = responses.filter((r) => r.statusCode === 409);
    for (const r of conflicts) expect(r.json().code).toBe('idempotency_in_progress');
    expect(new Set(responses.filter((r) => r.statusCode === 202).map((r) => r.json().batch_id)).size).toBe(1);
    expect(await count('batches b JOIN accounts a ON a.id = b.account_id', `a.external_id = 'ACC-IDEM-RACE'`)).toBe(1);
  });

  it('when a finished request\'s key is held by another retry of it, then a retry is still replayed, and another body still 422', async () => {
    const body = batchBody(2, { accountId: 'ACC-IDEM-HELD' });
    const first = await post(body, { 'idempotency-key': 'held-key' });
    expect(first.statusCode).toBe(202);
    // A concurrent retry of the finished request holds the key's lock while it reads the stored answer.
    const { rows } = await ctx.sql.query(`SELECT id FROM integrations WHERE name = 'acme'`);
    const holder = await ctx.sql.connect();
    try {
      await holder.query('BEGIN');
      expect(await tryLockIdempotencyKey(holder, rows[0].id, 'held-key')).toBe(true);
      const replay = await post(body, { 'idempotency-key': 'held-key' });
      expect(replay.statusCode).toBe(202);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.json()).toEqual(first.json());
      const other = await post(batchBody(3, { accountId: 'ACC-IDEM-HELD' }), { 'idempotency-key': 'held-key' });
      expect(other.statusCode).toBe(422);
      expect(other.json().code).toBe('idempotency_key_reused');
    } finally {
      await holder.query('ROLLBACK');
      holder.release();
    }
  });

  it('when another integration uses the same key, then it is its own key', async () => {
    await post(batchBody(1, { accountId: 'ACC-IDEM4' }), { 'idempotency-key': 'shared' });
    const other = await ctx.key(['ingest'], 'other-bank');
    const response = await post(batchBody(2, { accountId: 'ACC-IDEM4' }), { 'idempotency-key': 'shared', ...bearer(other) });
    expect(response.statusCode).toBe(202);
    expect(response.headers['idempotent-replayed']).toBeUndefined();
  });

  it('when another request holds a different key whose 32-bit lock hash is the same, then this key is not blocked', async () => {
    const { rows } = await ctx.sql.query(`SELECT id FROM integrations WHERE name = 'acme'`);
    const integrationId = rows[0].id;
    // Two keys of this integration whose 32-bit hashtext (the lock's key before) collides: about five pairs among 200,000 keys.
    const pair = await ctx.sql.query<{ a: string; b: string }>(
      `SELECT min(k) AS a, max(k) AS b
         FROM (SELECT 'k-' || i AS k FROM generate_series(1, 200000) AS i) AS keys
        GROUP BY hashtext($1::bigint || ':' || k) HAVING count(*) > 1 LIMIT 1`,
      [integrationId],
    );
    const { a, b } = pair.rows[0] as { a: string; b: string };
    const holder = await ctx.sql.connect();
    try {
      await holder.query('BEGIN');
      expect(await tryLockIdempotencyKey(holder, integrationId, a)).toBe(true);
      const response = await post(batchBody(1, { accountId: 'ACC-COLLIDE' }), { 'idempotency-key': b });
      expect(response.statusCode).toBe(202);
      expect((await post(batchBody(1, { accountId: 'ACC-COLLIDE' }), { 'idempotency-key': a })).json().code).toBe('idempotency_in_progress');
    } finally {
      await holder.query('ROLLBACK');
      holder.release();
    }
  });

  it('when the process holding a key dies mid-request, then the key is free again at once', async () => {
    // Another API process is inside its transaction for this key: it holds the key's lock.
    const { rows } = await ctx.sql.query(`SELECT id FROM integrations WHERE name = 'acme'`);
    const holder = await ctx.sql.connect();
    await holder.query('BEGIN');
    expect(await tryLockIdempotencyKey(holder, rows[0].id, 'crash-key')).toBe(true);
    const busy = await post(batchBody(1, { accountId: 'ACC-CRASH' }), { 'idempotency-key': 'crash-key' });
    expect(busy.statusCode).toBe(409);
    expect(busy.json().code).toBe('idempotency_in_progress');
    expect(busy.headers['retry-after']).toBe('1');
    // That process dies: PostgreSQL ends its session and rolls its transaction back. The call waits
    // (up to 5 s) until the session is gone, so the retry below comes after the death, not during it.
    const pid = (await holder.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
    const { rows: ended } = await ctx.sql.query('SELECT pg_terminate_backend($1, 5000) AS ended', [pid]);
    expect(ended[0].ended).toBe(true);
    holder.release(true);
    const retried = await post(batchBody(1, { accountId: 'ACC-CRASH' }), { 'idempotency-key': 'crash-key' });
    expect(retried.statusCode).toBe(202);
  });

  it('when the key is sent twice, then 400 invalid_parameter and nothing is stored', async () => {
    const before = await rowCounts();
    const response = await ctx.app.inject({
      method: 'POST',
      url: URL_,
      headers: { ...bearer(key), 'content-type': 'application/json', 'idempotency-key': ['twice-a', 'twice-b'] },
      payload: JSON.stringify(batchBody(1, { accountId: 'ACC-TWICE' })),
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().code).toBe('invalid_parameter');
    expect(pointers(response)).toEqual(['/headers/idempotency-key']);
    expect(await rowCounts()).toEqual(before);
  });

  it('when the key is longer than 255 characters, then 400 invalid_parameter', async () => {
    const response = await post(batchBody(1), { 'idempotency-key': 'k'.repeat(256) });
    expect(response.statusCode).toBe(400);
    expect(response.json().code).toBe('invalid_parameter');
  });

  it('when the key breaks its documented 1–255 length, with a good body or a bad one, then the answer names the header as invalid_parameter, never a body problem', async () => {
    const expected = {
      type: 'urn:lucro:problem:invalid_parameter',
      title: 'Invalid parameter',
      status: 400,
      detail: 'Idempotency-Key must be 1–255 characters.',
      code: 'invalid_parameter',
      errors: [{ pointer: '/headers/idempotency-key', message: 'must be 1–255 characters' }],
    };
    for (const body of [batchBody(1, { accountId: 'ACC-KEYLEN' }), { account: { account_id: 'bad id!' }, transactions: [] }]) {
      for (const idempotencyKey of ['', 'k'.repeat(256)]) {
        const response = await post(body, { 'idempotency-key': idempotencyKey });
        expect(response.statusCode).toBe(400);
        expect(response.json()).toEqual(expected);
      }
    }
  });
});
