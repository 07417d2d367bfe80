/**
 * What the OpenAPI document states beyond what Ajv checks. Query and header values reach the
 * services as sent, and each service checks them in its own order with its own wording (§3: the
 * `detail` and `errors[].message` clients get); enforcing the same rule in the route schema would
 * answer with Ajv's words instead, and before a 404. So such a rule is written on the schema that
 * validates the value, next to it, but only the document shows it.
 */

const RULE = Symbol('documented rule');

type Documented = { [RULE]?: Record<string, unknown> };

/**
 * `schema`, shown in the OpenAPI document with `rule` merged into it (e.g. a page size as an integer
 * 1–1000), while Ajv goes on validating `schema` alone: the rule is the one the service enforces.
 */
export function documentedRule<T extends object>(schema: T, rule: Record<string, unknown>): T {
  // A copy that keeps TypeBox's hidden markers (optional, kind); symbols are invisible to Ajv and to JSON.
  const copy = Object.defineProperties({}, Object.getOwnPropertyDescriptors(schema)) as T & Documented;
  copy[RULE] = rule;
  return copy;
}

/** A JSON schema with every documented rule in it merged in, as the document shows it. */
function withRules(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withRules);
  if (typeof schema !== 'object' || schema === null) return schema;
  const copy = Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, withRules(value)]));
  const rule = (schema as Documented)[RULE];
  return rule ? { ...copy, ...rule } : copy;
}

/** A route's request schemas as the document shows them (@fastify/swagger's `transform`); the route's own are left as they are. */
export function documentedRequest<S extends object>(schema: S): S {
  const parts = (['querystring', 'headers', 'params', 'body'] as const).filter((part) => part in schema);
  return { ...schema, ...Object.fromEntries(parts.map((part) => [part, withRules((schema as Record<string, unknown>)[part])])) };
}

/**
 * A header an answer carries, as a response schema declares it under `headers` (@fastify/swagger's
 * convention; the serializer ignores the keyword). `required`: every such answer carries it.
 */
export interface ResponseHeader {
  description: string;
  required?: boolean;
  schema: Record<string, unknown>;
}

const REQUIRED = Symbol('required header');

/** `schema` as the response schema of an answer that carries `headers`. */
export function withHeaders<T extends object>(schema: T, headers: Record<string, ResponseHeader>): T {
  return Object.defineProperties({}, { ...Object.getOwnPropertyDescriptors(schema), headers: { value: toSwaggerHeaders(headers), enumerable: true } }) as T;
}

/** @fastify/swagger takes a header as a schema (its description lifted out); `required` rides along in it, as a symbol JSON never shows, to `requireHeaders`. */
export function toSwaggerHeaders(headers: Record<string, ResponseHeader>): Record<string, Record<string, unknown>> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, { description, required, schema }]) => [name, { ...schema, description, ...(required ? { [REQUIRED]: true } : {}) }]),
  );
}

/**
 * The document with `required: true` on every header an answer always carries (@fastify/swagger's
 * `transformObject`): OpenAPI puts it on the Header Object, beside the schema, where the plugin cannot.
 */
export function requireHeaders<D extends { paths?: object }>(document: D): D {
  type Header = { required?: boolean; schema?: Record<string | symbol, unknown> };
  const operations = Object.values(document.paths ?? {}).flatMap((byMethod: Record<string, { responses?: Record<string, { headers?: Record<string, Header> }> }>) => Object.values(byMethod));
  for (const response of operations.flatMap((operation) => Object.values(operation.responses ?? {}))) {
    for (const header of Object.values(response.headers ?? {})) if (header.schema?.[REQUIRED] === true) header.required = true;
  }
  return document;
}

/**
 * The document with `requestBody.required: false` on the operations whose body may be left out
 * (routes with `config.bodyOptional`): @fastify/swagger marks every request body it documents required.
 */
export function optionalBodies<D extends { paths?: object }>(document: D, operationIds: ReadonlySet<string>): D {
  type Operation = { operationId?: string; requestBody?: { required?: boolean } };
  for (const byMethod of Object.values(document.paths ?? {}) as Array<Record<string, Operation>>) {
    for (const operation of Object.values(byMethod)) {
      if (operation.requestBody && operation.operationId !== undefined && operationIds.has(operation.operationId)) operation.requestBody.required = false;
    }
  }
  return document;
}
