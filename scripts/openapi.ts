/**
 * The OpenAPI document the API serves at /openapi.json, built without a database or a queue, and
 * the client types generated from it with openapi-typescript.
 */
import openapiTS, { astToString } from 'openapi-typescript';
import { loadConfig } from '../src/config.js';
import type { Container } from '../src/container.js';
import { buildApp } from '../src/http/app.js';
import { createLogger } from '../src/infra/logger.js';
import { Metrics } from '../src/infra/metrics.js';

export async function openApiDocument(): Promise<Record<string, unknown>> {
  // Routes only capture their services when registered; nothing here is called.
  const container = {
    config: loadConfig({ DATABASE_URL: 'postgres://openapi@127.0.0.1:1/none', LOG_LEVEL: 'silent' }),
    logger: createLogger('silent', 'openapi'),
    metrics: new Metrics(),
  } as unknown as Container;
  const app = await buildApp(container);
  await app.ready();
  const document = app.swagger() as unknown as Record<string, unknown>;
  await app.close();
  return document;
}

const HEADER = `// Generated from openapi.json by \`npm run generate:client\` (openapi-typescript). Do not edit.
`;

export async function clientTypes(document: Record<string, unknown>): Promise<string> {
  return HEADER + astToString(await openapiTS(document as unknown as Parameters<typeof openapiTS>[0]));
}
