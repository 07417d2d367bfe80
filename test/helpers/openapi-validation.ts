import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

interface MediaType {
  schema?: unknown;
}
interface Operation {
  responses?: Record<string, { content?: Record<string, MediaType>; headers?: Record<string, { required?: boolean; schema?: { type?: string } }> }>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components?: Record<string, unknown>;
}

/** Where the document is registered in Ajv: a response schema's `#/components/...` references resolve inside it. */
const DOCUMENT_ID = 'https://lucro.invalid/openapi.json';
const pointerToken = (token: string) => token.replace(/~/g, '~0').replace(/\//g, '~1');

/** Checks one answer against the document: the reason it disagrees, or null. */
type ResponseCheck = (answer: { method: string; url: string; status: number; contentType: string; body: string; headers: Record<string, unknown> }) => string | null;

function responseChecker(document: Document): ResponseCheck {
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

  return ({ method, url, status: statusCode, contentType, body, headers }) => {
    const path = url.split('?')[0]?.replace(/(.)\/$/, '$1') ?? '/';
    const route = routes.find((candidate) => candidate.pattern.test(path));
    const verb = method.toLowerCase();
    const operation = route?.operations[verb];
    if (!route || !operation || verb === 'head') return null;
    const status = String(statusCode);
    const documentedStatus = [status, `${status[0]}XX`, 'default'].find((candidate) => operation.responses?.[candidate]);
    if (!documentedStatus) return `${method} ${path} answered ${status}, which its OpenAPI operation does not document`;
    // A documented header must be sent when required, and hold a value its schema takes when sent.
    for (const [name, header] of Object.entries(operation.responses?.[documentedStatus]?.headers ?? {})) {
      const value = headers[name.toLowerCase()];
      if (value === undefined) {
        if (header.required) return `${method} ${path} answered ${status} without the header ${name}, which its OpenAPI operation requires`;
        continue;
      }
      const validate = validatorFor(
        ['', 'paths', route.template, verb, 'responses', documentedStatus, 'headers', name, 'schema'].map((token, i) => (i === 0 ? '' : pointerToken(token))).join('/'),
      );
      const typed = header.schema?.type === 'integer' && /^\d+$/.test(String(value)) ? Number(value) : String(value);
      if (!validate(typed)) return `${method} ${path} answered ${status} with ${name}: ${String(value)}, which disagrees with the OpenAPI document: ${ajv.errorsText(validate.errors)}`;
    }
    if (body === '') return null;
    const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
    const media = operation.responses?.[documentedStatus]?.content?.[type];
    if (!media) return `${method} ${path} answered ${status} as ${type}, which its OpenAPI operation does not document for that status`;
    if (!type.endsWith('json') || media.schema === undefined) return null;
    const validate = validatorFor(
      ['', 'paths', route.template, verb, 'responses', documentedStatus, 'content', type, 'schema'].map((token, i) => (i === 0 ? '' : pointerToken(token))).join('/'),
    );
    if (!validate(JSON.parse(body))) return `${method} ${path} answered ${status} with a body that disagrees with the OpenAPI document: ${ajv.errorsText(validate.errors)}`;
    return null;
  };
}

/**
 * Checks every answer the tests receive against the OpenAPI document the app serves: a documented
 * operation must answer a documented status with a documented content type and the headers it
 * documents as required, and its JSON body must match that content type's schema, `$ref`s to the
 * document's components included. A handler that
 * drifts from its document fails the test that exercised it (issue #17). Call it after `app.ready()`.
 */
export function validateResponsesAgainstDocument(app: FastifyInstance): void {
  const check = responseChecker(app.swagger() as unknown as Document);
  const inject = app.inject.bind(app) as (options: unknown) => Promise<LightMyRequestResponse>;
  (app as unknown as { inject: (options: unknown) => Promise<LightMyRequestResponse> }).inject = async (options: unknown) => {
    const response = await inject(options);
    const { method = 'GET', url = '/' } = typeof options === 'string' ? { url: options } : (options as { method?: string; url?: string });
    const disagreement = check({
      method,
      url,
      status: response.statusCode,
      contentType: String(response.headers['content-type'] ?? ''),
      body: response.body,
      headers: response.headers,
    });
    if (disagreement) throw new Error(disagreement);
    return response;
  };
}

/**
 * The same check for answers sent over the network (a browser, `fetch`, a CLI against `app.listen`),
 * which no wrapper of `inject` sees: call it before `app.ready()`; `disagreements()` lists what the
 * answers so far got wrong, and the test context fails its close when any did.
 */
export function recordResponseDisagreements(app: FastifyInstance): { disagreements(): string[] } {
  const found: string[] = [];
  let check: ResponseCheck | undefined;
  app.addHook('onSend', async (request, reply, payload) => {
    // Injected requests are checked, and fail at once, by the inject wrapper.
    if (request.raw.socket?.constructor?.name !== 'Socket') return payload;
    check ??= responseChecker(app.swagger() as unknown as Document);
    if (typeof payload === 'string' || Buffer.isBuffer(payload) || payload === null || payload === undefined) {
      const disagreement = check({
        method: request.method,
        url: request.url,
        status: reply.statusCode,
        contentType: String(reply.getHeader('content-type') ?? ''),
        body: payload === null || payload === undefined ? '' : payload.toString(),
        headers: reply.getHeaders(),
      });
      if (disagreement) found.push(disagreement);
    }
    return payload;
  });
  return { disagreements: () => [...found] };
}

interface WebhookOperation {
  parameters?: Array<{ name: string; in: string; required?: boolean }>;
  requestBody?: { content?: Record<string, MediaType> };
}

/**
 * Checks a request Lucro sent to a webhook endpoint against the `webhooks` of the document the app
 * serves: its event type is documented, it carries every header the document requires, each
 * matching its schema, and its body matches the event's schema. The reason it disagrees, or null.
 */
export function webhookChecker(document: { webhooks?: Record<string, { post?: WebhookOperation }>; components?: object }): (request: { headers: Record<string, unknown>; body: Record<string, unknown> }) => string | null {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  ajv.addSchema({ $id: DOCUMENT_ID, webhooks: document.webhooks ?? {}, components: document.components ?? {} });
  const validate = (pointer: string[], value: unknown) => {
    const check = ajv.compile({ $ref: `${DOCUMENT_ID}#/${pointer.map(pointerToken).join('/')}` });
    return check(value) ? null : ajv.errorsText(check.errors);
  };
  return ({ headers, body }) => {
    const type = String(body.type);
    const operation = document.webhooks?.[type]?.post;
    if (!operation) return `a ${type} event, which the document's webhooks do not list`;
    for (const [i, parameter] of (operation.parameters ?? []).entries()) {
      if (parameter.in !== 'header') continue;
      const value = headers[parameter.name.toLowerCase()];
      if (value === undefined) {
        if (parameter.required) return `a ${type} delivery without the header ${parameter.name}`;
        continue;
      }
      const wrong = validate(['webhooks', type, 'post', 'parameters', String(i), 'schema'], String(value));
      if (wrong) return `a ${type} delivery's ${parameter.name}: ${String(value)} disagrees with the document: ${wrong}`;
    }
    const wrong = validate(['webhooks', type, 'post', 'requestBody', 'content', 'application/json', 'schema'], body);
    return wrong && `a ${type} delivery's body disagrees with the document: ${wrong}`;
  };
}
