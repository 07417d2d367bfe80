import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

interface MediaType {
  schema?: unknown;
}
interface Operation {
  responses?: Record<string, { content?: Record<string, MediaType> }>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components?: Record<string, unknown>;
}

/** Where the document is registered in Ajv: a response schema's `#/components/...` references resolve inside it. */
const DOCUMENT_ID = 'https://lucro.invalid/openapi.json';
const pointerToken = (token: string) => token.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * Checks every answer the tests receive against the OpenAPI document the app serves: a documented
 * operation must answer a documented status with a documented content type, and its JSON body must
 * match that content type's schema, `$ref`s to the document's components included. A handler that
 * drifts from its document fails the test that exercised it (issue #17).
 */
export function validateResponsesAgainstDocument(app: FastifyInstance): void {
  const document = app.swagger() as unknown as Document;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  // The whole document is one schema resource, so `#/components/schemas/Problem` means the document's own.
  ajv.addSchema({ $id: DOCUMENT_ID, paths: document.paths, components: document.components ?? {} });
  const routes = Object.entries(document.paths).map(([template, operations]) => ({
    template,
    pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`),
    operations,
  }));
  const validators = new Map<string, ValidateFunction>();
  const validatorFor = (pointer: string) => {
    let validate = validators.get(pointer);
    if (!validate) {
      validate = ajv.compile({ $ref: `${DOCUMENT_ID}#${pointer}` });
      validators.set(pointer, validate);
    }
    return validate;
  };

  const inject = app.inject.bind(app) as (options: unknown) => Promise<LightMyRequestResponse>;
  (app as unknown as { inject: (options: unknown) => Promise<LightMyRequestResponse> }).inject = async (options: unknown) => {
    const response = await inject(options);
    const { method = 'GET', url = '/' } = typeof options === 'string' ? { url: options } : (options as { method?: string; url?: string });
    const path = url.split('?')[0]?.replace(/(.)\/$/, '$1') ?? '/';
    const route = routes.find((candidate) => candidate.pattern.test(path));
    const verb = method.toLowerCase();
    const operation = route?.operations[verb];
    if (!route || !operation || verb === 'head') return response;
    const status = String(response.statusCode);
    const documentedStatus = [status, `${status[0]}XX`, 'default'].find((candidate) => operation.responses?.[candidate]);
    if (!documentedStatus) throw new Error(`${method} ${path} answered ${status}, which its OpenAPI operation does not document`);
    if (response.body === '') return response;
    const type = String(response.headers['content-type'] ?? '')
      .split(';')[0]
      ?.trim()
      .toLowerCase();
    const media = operation.responses?.[documentedStatus]?.content?.[type ?? ''];
    if (!media) throw new Error(`${method} ${path} answered ${status} as ${type}, which its OpenAPI operation does not document for that status`);
    if (!type?.endsWith('json') || media.schema === undefined) return response;
    const validate = validatorFor(
      ['', 'paths', route.template, verb, 'responses', documentedStatus, 'content', type, 'schema'].map((token, i) => (i === 0 ? '' : pointerToken(token))).join('/'),
    );
    if (!validate(JSON.parse(response.body))) {
      throw new Error(`${method} ${path} answered ${status} with a body that disagrees with the OpenAPI document: ${ajv.errorsText(validate.errors)}`);
    }
    return response;
  };
}
