import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

interface Operation {
  responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

/**
 * Checks every answer the tests receive against the OpenAPI document the app serves: a documented
 * operation must answer a documented status, and its JSON body must match the documented schema. A
 * handler that drifts from its document fails the test that exercised it (issue #17).
 */
export function validateResponsesAgainstDocument(app: FastifyInstance): void {
  const document = app.swagger() as unknown as { paths: Record<string, Record<string, Operation>>; components?: { schemas?: Record<string, unknown> } };
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  for (const [name, schema] of Object.entries(document.components?.schemas ?? {})) ajv.addSchema(schema as object, `#/components/schemas/${name}`);
  const routes = Object.entries(document.paths).map(([template, operations]) => ({
    pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`),
    operations,
  }));
  const validators = new Map<unknown, ReturnType<typeof ajv.compile>>();

  const inject = app.inject.bind(app) as (options: unknown) => Promise<LightMyRequestResponse>;
  (app as unknown as { inject: (options: unknown) => Promise<LightMyRequestResponse> }).inject = async (options: unknown) => {
    const response = await inject(options);
    const { method = 'GET', url = '/' } = typeof options === 'string' ? { url: options } : (options as { method?: string; url?: string });
    const path = url.split('?')[0]?.replace(/(.)\/$/, '$1') ?? '/';
    const operation = routes.find((route) => route.pattern.test(path))?.operations[method.toLowerCase()];
    if (!operation || method.toUpperCase() === 'HEAD') return response;
    const status = String(response.statusCode);
    const documented = operation.responses?.[status] ?? operation.responses?.[`${status[0]}XX`] ?? operation.responses?.default;
    if (!documented) throw new Error(`${method} ${path} answered ${status}, which its OpenAPI operation does not document`);
    const type = String(response.headers['content-type'] ?? '').split(';')[0] ?? '';
    if (!type.includes('json') || response.body === '') return response;
    const schema = documented.content?.[type]?.schema ?? documented.content?.['application/json']?.schema;
    if (schema === undefined) throw new Error(`${method} ${path} answered ${status} as ${type}, which its OpenAPI operation does not document`);
    let validate = validators.get(schema);
    if (!validate) {
      validate = ajv.compile(schema as object);
      validators.set(schema, validate);
    }
    if (!validate(JSON.parse(response.body))) {
      throw new Error(`${method} ${path} answered ${status} with a body that disagrees with the OpenAPI document: ${ajv.errorsText(validate.errors)}`);
    }
    return response;
  };
}
