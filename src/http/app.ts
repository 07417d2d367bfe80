import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import { RateLimiter } from '../auth/rate-limiter.js';
import type { Container } from '../container.js';
import { isCalendarDate } from '../domain/calendar-date.js';
import { AppError } from '../domain/errors.js';
import { isIdentifier } from '../domain/identifiers.js';
import { nameServerSpan } from '../infra/tracing.js';
import { registerAuth } from './auth.js';
import { documentedRequest, optionalBodies, requireHeaders } from './documented.js';
import { requireSentOnce } from './headers.js';
import { answerClientError, answerConnect, answerContinue, answerFrameworkError, answerUnmetExpectation, MAX_PATH_PARAM_LENGTH, registerErrorHandling, trackAnswers } from './error-handler.js';
import { MAX_BODY_BYTES, registerJsonBody } from './json-body.js';
import { TracedLogController } from './request-logging.js';
import { namedSchemas, ProblemSchema, withProblems } from './schemas.js';
import { batchRoutes } from './routes/batches.routes.js';
import { categoryRoutes } from './routes/categories.routes.js';
import { consoleRoutes } from './routes/console.routes.js';
import { listRoutes } from './routes/lists.routes.js';
import { operationsPlugin } from './routes/operations.routes.js';
import { queueBoardPlugin } from './routes/queue-board.routes.js';
import { ingestionRoutes, removalRoutes } from './routes/ingestion.routes.js';
import { accountTransactionRoutes } from './routes/account-transactions.routes.js';
import { changeRoutes } from './routes/changes.routes.js';
import { correctionRoutes } from './routes/corrections.routes.js';
import { reenrichmentRoutes } from './routes/reenrichment.routes.js';
import { reportRoutes } from './routes/reports.routes.js';
import { webhookRoutes } from './routes/webhooks.routes.js';
import { webhooksDocument } from '../webhooks/webhook.document.js';

/** How long a draining API still takes connections, to answer them 503 (well within the 30 s drain of §9). */
const LISTEN_WHILE_DRAINING_MS = 1_000;

/** A caller's X-Request-Id is kept when it is an id of the transaction ids' shape. */
const REQUEST_ID_MAX_LENGTH = 128;

/** A caller's X-Request-Id when it is sane, else a new one. */
function requestIdOf(request: { headers: IncomingHttpHeaders }): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && isIdentifier(given, REQUEST_ID_MAX_LENGTH) ? given : randomUUID();
}

/** Builds the HTTP API over a container. Starting to listen is the caller's business. */
export async function buildApp(container: Container): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: container.logger.child({ component: 'api' }) as FastifyBaseLogger,
    logController: new TracedLogController(),
    bodyLimit: MAX_BODY_BYTES,
    // A client's request id is kept when it is sane, so logs can be joined across systems.
    genReqId: requestIdOf,
    // Requests that arrive while it closes are refused below, as problem+json with Retry-After.
    return503OnClosing: false,
    trustProxy: container.config.trustProxy,
    // A request must arrive whole within this, body included: a 1-byte/s upload cannot hold a connection.
    // (Node reads it when the server is made, hence `http` as well.)
    requestTimeout: container.config.requestTimeoutMs,
    // A request without Host is refused below as problem+json, not by Node as a bare 400.
    http: { requestTimeout: container.config.requestTimeoutMs, connectionsCheckingInterval: 1_000, requireHostHeader: false },
    ajv: {
      // Request bodies are validated as sent: no coercion of 12.5 to "12.5", no dropped fields, every error.
      customOptions: { coerceTypes: false, removeAdditional: false, useDefaults: false, allErrors: true, allowUnionTypes: true },
      // Year 0000 is a valid pattern but no date PostgreSQL can store.
      onCreate: (ajv) => ajv.addFormat('date', { type: 'string', validate: isCalendarDate }),
    },
    // Every finding stays in error.validation; the message must not be a string built from thousands of them.
    schemaErrorFormatter: (errors, context) => new Error(`${errors.length} schema violation(s) in the ${context}`),
    frameworkErrors: answerFrameworkError,
    clientErrorHandler: answerClientError,
    // Ids are up to 128 characters (§4), and a client may percent-encode some: longer values reach the
    // route's schema, which names them; only absurd ones are refused by the router (414).
    routerOptions: { ignoreTrailingSlash: false, maxParamLength: MAX_PATH_PARAM_LENGTH },
  });

  // Draining (SIGTERM): a request still arriving on a kept-alive connection is refused, not started,
  // and told to come back (the framework's own answer was plain JSON without Retry-After). The port
  // stays open LISTEN_WHILE_DRAINING_MS more, answering so: connections the kernel had queued, and
  // clients (or a load balancer) not yet aware the process is going, get a 503 rather than a reset.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
    if (app.server.listening) await new Promise((resolve) => setTimeout(resolve, LISTEN_WHILE_DRAINING_MS));
  });
  app.addHook('onRequest', async (request, reply) => {
    reply.header('X-Request-Id', request.id);
    nameServerSpan(request.method, request.routeOptions.url);
    if (closing) throw new AppError('service_unavailable', 'The service is shutting down; retry shortly.');
    // RFC 9112 §3.2: an HTTP/1.1 request without Host is answered 400.
    if (request.raw.httpVersion === '1.1' && request.headers.host === undefined) {
      throw new AppError('invalid_parameter', 'The Host header is required in HTTP/1.1.', { errors: [{ pointer: '/headers/host', message: 'is required in HTTP/1.1' }] });
    }
    // …and so is one with two (Node keeps the first and drops the other without a word).
    requireSentOnce(request.raw.rawHeaders, 'host', 'The request has more than one Host header.');
  });
  // RFC 9112: a client that ends its side after sending (`shutdown(SHUT_WR)`, HTTP/1.0 style) still
  // wants the answer. By default Node aborts such a request while its handler runs on and commits, so
  // a stored batch went unanswered. Node's long-standing (undocumented) `httpAllowHalfOpen` keeps the
  // socket open to write the answer, then ends it.
  (app.server as typeof app.server & { httpAllowHalfOpen: boolean }).httpAllowHalfOpen = true;
  trackAnswers(app.server);
  app.server.on('checkExpectation', (request: IncomingMessage, response: ServerResponse) => answerUnmetExpectation(request, response, requestIdOf(request)));
  app.server.on('checkContinue', (request: IncomingMessage, response: ServerResponse) => answerContinue(app.server, request, response, requestIdOf(request)));
  app.server.on('connect', answerConnect);
  registerJsonBody(app);
  registerErrorHandling(app);
  container.metrics.instrumentHttp(app);

  // One Problem schema for every error answer: one component in the document, one type in a generated client.
  app.addSchema(ProblemSchema);
  for (const schema of namedSchemas()) app.addSchema(schema);
  const withOptionalBody = new Set<string>();
  app.addHook('onRoute', (route) => {
    const operationId = (route.schema as { operationId?: string } | undefined)?.operationId;
    if (route.config?.bodyOptional && operationId !== undefined) withOptionalBody.add(operationId);
  });
  await app.register(swagger, {
    // Shared schemas keep their own name ($id) as their component name.
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
    // The rules the services check themselves, and the headers answers carry, are stated in the document too.
    transform: ({ schema, url }) => ({ schema: documentedRequest(schema), url }),
    // The requests Lucro sends to webhook endpoints are documented beside the ones it answers (§13).
    transformObject: (document) => ('openapiObject' in document ? { ...requireHeaders(optionalBodies(document.openapiObject, withOptionalBody)), webhooks: webhooksDocument() } : document.swaggerObject),
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Lucro transaction pipeline',
        version: '1.0.0',
        description: [
          'Ingest bank transactions, follow their enrichment, read account summaries.',
          '',
          'Besides the answers each operation lists, any request may be answered, before it reaches an operation and as problem+json: ' +
            '`405` (the path exists under other methods, named in `Allow`; or `CONNECT`), `408` (the request did not arrive whole within the server\'s ' +
            'request timeout), `413` (a body whose `Content-Length` is over 10 MiB, at once and without `100 Continue` when the client ' +
            'waits for it), `414` (a path parameter far too long), `417` (an `Expect` header asking for anything but `100-continue`), ' +
            '`431` (headers too large) or `400` (an HTTP/1.1 request without `Host`, or with two). A `CONNECT`, 408, 417, 431 or a 400 for bytes that are ' +
            'not HTTP closes the connection.',
        ].join('\n'),
        license: { name: 'Proprietary', identifier: 'LicenseRef-Lucro-Proprietary' },
      },
      servers: [{ url: '/', description: 'The server that serves this document' }],
      // Every operation needs a key unless it says otherwise (the operations endpoints do).
      security: [{ bearerAuth: [] }],
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } } },
    },
  });
  // The document does not change while the process runs: it is written once and served as the same
  // bytes. Built anew for each request, 2,000 requests pipelined in 80 KB would hold 2,000 copies.
  let openApiDocument: Buffer | undefined;
  const sendDocument = (reply: FastifyReply) => {
    openApiDocument ??= Buffer.from(JSON.stringify(app.swagger()));
    return reply.type('application/json; charset=utf-8').send(openApiDocument);
  };
  // The UI's own copy (/docs/json) is those bytes too, rather than the document serialised per request.
  app.addHook('onRoute', (route) => {
    if (route.url === '/docs/json' && route.method === 'GET') route.handler = async (_request, reply) => sendDocument(reply);
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  await app.register(operationsPlugin, { container });
  app.get('/openapi.json', { schema: { hide: true } }, async (_request, reply) => sendDocument(reply));
  // Failed authentications are counted per address wherever a key or session is checked: the API and the board.
  const failuresPerAddress = new RateLimiter<string>(container.config.authFailuresPerSecond);
  if (container.config.adminUi) await app.register(queueBoardPlugin, { container, failuresPerAddress });
  consoleRoutes(app);
  // Every /api route lives in this one encapsulated context, and so does the hook that authenticates it.
  await app.register(async (context) => {
    // Request and reply types come from each route's schemas.
    const api = context.withTypeProvider<TypeBoxTypeProvider>();
    // Any /api operation may be refused for its key, limited, find the database away or fail; a request
    // may carry a malformed path or (with a body) a body too large, of another type or not JSON: say so once, for all.
    api.addHook('onRoute', (route) => {
      const schema = (route.schema ??= {}) as { response?: Record<string, unknown> };
      const methods = [route.method].flat();
      const hasBody = methods.some((method) => ['POST', 'PUT', 'PATCH'].includes(method));
      schema.response = withProblems(
        schema.response ?? {},
        [
          'invalid_parameter',
          'unauthorized',
          'forbidden',
          'rate_limited',
          'service_unavailable',
          'internal_error',
          ...(hasBody ? (['invalid_json', 'payload_too_large', 'unsupported_media_type'] as const) : []),
        ],
        // A path parameter longer than the router takes is refused before the route runs.
        route.url.includes('/:') ? { 414: ['invalid_parameter'] } : {},
      );
    });
    // Answers hold an integration's ledger: no cache keeps them, a browser's own included (RFC 9111
    // §5.2.2.5), refusals too. Set first, so that it stays on an answer any later hook refuses.
    api.addHook('onRequest', async (_request, reply) => {
      reply.header('Cache-Control', 'no-store');
    });
    registerAuth(api, container.auth, {
      perIntegration: new RateLimiter(container.config.rateLimitPerSecond),
      failuresPerAddress,
    });
    // No path or query value this API takes holds a NUL character, and PostgreSQL text cannot: refuse it
    // for every route at once, before any reaches a query. So is a query value that is not percent-encoded
    // UTF-8: the parser would keep `%FF` as those three characters, and a search would look for them.
    api.addHook('preValidation', async (request) => {
      const problems = [
        ...[request.params, request.query].flatMap((values) =>
          Object.entries((values ?? {}) as Record<string, unknown>)
            .filter(([, value]) => [value].flat().some((v) => typeof v === 'string' && v.includes('\u0000')))
            .map(([name]) => ({ pointer: `/${name}`, message: 'must not contain a NUL character' })),
        ),
        ...undecodableQueryParameters(request.raw.url ?? '').map((name) => ({ pointer: `/${name}`, message: 'is not valid percent-encoded UTF-8' })),
      ];
      if (problems.length > 0) throw new AppError('invalid_parameter', `${problems.map((p) => `${p.pointer.slice(1)} ${p.message}`).join('; ')}.`, { errors: problems });
    });
    ingestionRoutes(api, container.ingestion, container.config.maxBatchSize);
    removalRoutes(api, container.ingestion);
    accountTransactionRoutes(api, container.transactions);
    correctionRoutes(api, container.corrections);
    reenrichmentRoutes(api, container.reenrichments);
    changeRoutes(api, container.changes);
    batchRoutes(api, container.batches);
    reportRoutes(api, container.reports);
    categoryRoutes(api);
    listRoutes(api, container);
    webhookRoutes(api, container.webhooks);
  });
  return app;
}

/** The names of the query parameters whose raw value (or name) is not percent-encoded UTF-8, each once. */
function undecodableQueryParameters(url: string): string[] {
  const start = url.indexOf('?');
  if (start < 0) return [];
  const names = new Set<string>();
  for (const pair of url.slice(start + 1).split('&')) {
    const [rawName = '', rawValue = ''] = pair.split(/=(.*)/s);
    const name = formDecoded(rawName);
    if (name === undefined || formDecoded(rawValue) === undefined) names.add(name ?? rawName);
  }
  return [...names];
}

/** A query-string component decoded (`+` is a space), or undefined when it is not percent-encoded UTF-8. */
function formDecoded(text: string): string | undefined {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}
