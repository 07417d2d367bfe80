/**
 * A typed client of the Lucro API: openapi-fetch over types generated from the OpenAPI document
 * (`npm run generate:client`). `lucro simulate` uses it; so can any TypeScript integration.
 *
 *   const lucro = createLucroClient('http://127.0.0.1:8000', key);
 *   const { data, error } = await lucro.GET('/api/batches/{batch_id}', { params: { path: { batch_id } } });
 */
import createClient, { type Client } from 'openapi-fetch';
import type { components, paths } from './api-types.js';

export type { components, paths } from './api-types.js';
export type LucroClient = Client<paths>;

/** The JSON body of an operation's answer with the given status. */
export type ResponseBody<Path extends keyof paths, Method extends keyof paths[Path], Status extends number = 200> = paths[Path][Method] extends {
  responses: { [S in Status]: { content: { 'application/json': infer Body } } };
}
  ? Body
  : never;

export type BatchView = ResponseBody<'/api/batches/{batch_id}', 'get'>;
export type TransactionView = ResponseBody<'/api/accounts/{account_id}/transactions/{transaction_id}', 'get'>;
export type AccountSummary = ResponseBody<'/api/reports/account/{account_id}/summary', 'get'>;
export type IngestAccepted = ResponseBody<'/api/integrations/transactions', 'post', 202>;
export type IngestRequest = paths['/api/integrations/transactions']['post']['requestBody']['content']['application/json'];
/** RFC 9457 problem details: every error answer is one (contract §3). */
export type Problem = components['schemas']['Problem'];

export function createLucroClient(baseUrl: string, key: string, options: { fetch?: typeof fetch } = {}): LucroClient {
  return createClient<paths>({ baseUrl, headers: { authorization: `Bearer ${key}` }, ...(options.fetch ? { fetch: options.fetch } : {}) });
}
