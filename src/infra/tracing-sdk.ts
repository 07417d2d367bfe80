import { createRequire } from 'node:module';
import type { Config } from '../config.js';

/**
 * Starts the OpenTelemetry Node SDK when tracing is configured (config.tracing), before the rest of
 * the program is loaded; does nothing otherwise. The SDK reads the standard OTEL_* variables itself
 * (exporter, endpoint, protocol, sampler, batch delays). Spans: HTTP server and client, PostgreSQL
 * (pg) and Redis (ioredis), plus the enrichment spans of src/infra/tracing.ts.
 */
export async function startTracing(config: Pick<Config, 'tracing'>, role: string): Promise<void> {
  if (!config.tracing) return;
  const [{ NodeSDK }, { HttpInstrumentation }, { PgInstrumentation }, { IORedisInstrumentation }] = await Promise.all([
    import('@opentelemetry/sdk-node'),
    import('@opentelemetry/instrumentation-http'),
    import('@opentelemetry/instrumentation-pg'),
    import('@opentelemetry/instrumentation-ioredis'),
  ]);
  const sdk = new NodeSDK({
    serviceName: config.tracing.serviceName ?? `lucro-${role}`,
    instrumentations: [
      // Probes and scrapes would be most of the spans and tell nothing.
      new HttpInstrumentation({ ignoreIncomingRequestHook: (request) => /^\/(healthz|readyz|metrics)\b/.test(request.url ?? '') }),
      new PgInstrumentation({ requireParentSpan: true }),
      new IORedisInstrumentation({ requireParentSpan: true }),
    ],
  });
  sdk.start();
  // The instrumentations hook require(); this program imports pg and ioredis as ES modules, which
  // share the CommonJS module objects. Requiring them once here, after the hooks are in place,
  // patches their prototypes for every later import.
  const require = createRequire(import.meta.url);
  for (const name of ['node:http', 'node:https', 'pg', 'pg-pool', 'ioredis']) require(name);
  // Spans still batched when the program ends are sent before the process exits.
  process.once('beforeExit', () => void sdk.shutdown().catch(() => {}));
}
