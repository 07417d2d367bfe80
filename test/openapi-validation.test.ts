import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireHeaders, withHeaders } from '../src/http/documented.js';
import { problems, ProblemSchema } from '../src/http/schemas.js';
import { recordResponseDisagreements, validateResponsesAgainstDocument } from './helpers/openapi-validation.js';

// The response validator every API test runs behind (test/helpers/context.ts), held to what it must catch.
let app: FastifyInstance;
let overTheNetwork: ReturnType<typeof recordResponseDisagreements>;
const problemJson = 'application/problem+json';

beforeAll(async () => {
  app = Fastify();
  app.addSchema(ProblemSchema);
  await app.register(swagger, {
    openapi: { openapi: '3.1.0', info: { title: 'validator', version: '1' } },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
    transformObject: (document) => ('openapiObject' in document ? requireHeaders(document.openapiObject) : document.swaggerObject),
  });
  const schema = { response: { 200: Type.Object({ id: Type.String() }), ...problems(['not_found']) } };
  // Each answer is sent as a ready string, so that no serializer mends what the handler got wrong.
  app.get<{ Params: { answer: string } }>('/things/:answer', { schema }, (request, reply) => {
    const answers: Record<string, [number, string, unknown]> = {
      ok: [200, 'application/json', { id: 'T-1' }],
      'documented-problem': [404, problemJson, { type: 'urn:lucro:problem:not_found', title: 'Not Found', status: 404, detail: 'No thing.', code: 'not_found' }],
      'problem-without-code': [404, problemJson, { type: 'urn:lucro:problem:not_found', title: 'Not Found', status: 404, detail: 'No thing.' }],
      'problem-with-another-code': [404, problemJson, { type: 'urn:lucro:problem:forbidden', title: 'Forbidden', status: 404, detail: 'No.', code: 'forbidden' }],
      'problem-as-plain-json': [404, 'application/json', { type: 'urn:lucro:problem:not_found', title: 'Not Found', status: 404, detail: 'No thing.', code: 'not_found' }],
      'undocumented-status': [409, problemJson, { type: 'urn:lucro:problem:duplicate_conflict', title: 'Conflict', status: 409, detail: 'x', code: 'duplicate_conflict' }],
      'wrong-body': [200, 'application/json', { id: 7 }],
    };
    const [status, type, body] = answers[request.params.answer] ?? [500, 'text/plain', 'no such answer'];
    return reply.code(status).type(type).send(JSON.stringify(body));
  });
  const located = withHeaders(Type.Object({ id: Type.String() }), {
    Location: { description: 'Where the thing is', required: true, schema: { type: 'string' } },
    'Retry-After': { description: 'Seconds', schema: { type: 'integer', minimum: 1 } },
  });
  app.get<{ Params: { answer: string } }>('/located/:answer', { schema: { response: { 202: located } } }, (request, reply) => {
    if (request.params.answer !== 'unlocated') reply.header('Location', '/things/T-1');
    if (request.params.answer === 'retry-zero') reply.header('Retry-After', '0');
    return reply.code(202).send({ id: 'T-1' });
  });
  overTheNetwork = recordResponseDisagreements(app);
  await app.ready();
  validateResponsesAgainstDocument(app);
});

afterAll(() => app.close());

describe('response validation against the OpenAPI document (issue #17)', () => {
  it('when answers match their documented status, content type and schema (a $ref to Problem included), then the request goes through', async () => {
    expect((await app.inject({ url: '/things/ok' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/things/documented-problem' })).statusCode).toBe(404);
  });

  it('when a problem lacks its code or carries one its response does not name, then the test request fails', async () => {
    await expect(app.inject({ url: '/things/problem-without-code' })).rejects.toThrow(/disagrees with the OpenAPI document.*code/);
    await expect(app.inject({ url: '/things/problem-with-another-code' })).rejects.toThrow(/disagrees with the OpenAPI document/);
  });

  it('when a problem is answered as application/json, then the test request fails for the undocumented content type', async () => {
    await expect(app.inject({ url: '/things/problem-as-plain-json' })).rejects.toThrow(/as application\/json, which its OpenAPI operation does not document/);
  });

  it('when a status is undocumented or a body has the wrong shape, then the test request fails', async () => {
    await expect(app.inject({ url: '/things/undocumented-status' })).rejects.toThrow(/answered 409, which its OpenAPI operation does not document/);
    await expect(app.inject({ url: '/things/wrong-body' })).rejects.toThrow(/disagrees with the OpenAPI document: data\/id must be string/);
  });

  it('when an answer lacks a header its response requires, or sends a declared header with a value out of its schema, then the test request fails', async () => {
    expect((await app.inject({ url: '/located/ok' })).headers.location).toBe('/things/T-1');
    await expect(app.inject({ url: '/located/unlocated' })).rejects.toThrow(/answered 202 without the header Location, which its OpenAPI operation requires/);
    await expect(app.inject({ url: '/located/retry-zero' })).rejects.toThrow(/answered 202 with Retry-After: 0, which disagrees with the OpenAPI document: data must be >= 1/);
  });

  it('when answers go over the network (a browser, fetch), then each disagreement is recorded for the test context to fail on, and good answers are not', async () => {
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    expect((await fetch(`${base}/things/ok`)).status).toBe(200);
    expect((await fetch(`${base}/things/documented-problem`)).status).toBe(404);
    expect(overTheNetwork.disagreements()).toEqual([]);
    expect((await fetch(`${base}/things/wrong-body`)).status).toBe(200);
    expect((await fetch(`${base}/things/problem-as-plain-json`)).status).toBe(404);
    expect(overTheNetwork.disagreements()).toEqual([
      'GET /things/wrong-body answered 200 with a body that disagrees with the OpenAPI document: data/id must be string',
      'GET /things/problem-as-plain-json answered 404 as application/json, which its OpenAPI operation does not document for that status',
    ]);
  });
});
