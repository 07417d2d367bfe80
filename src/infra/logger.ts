import { pino, type Logger as PinoLogger } from 'pino';
import { traceFields } from './tracing.js';

export type Logger = PinoLogger;

/** `json`: one JSON object a line, for collectors; `pretty`: colourised lines for a person at a terminal. */
export type LogFormat = 'json' | 'pretty';

/** Where logs go: stdout for the long-running roles; stderr for commands whose stdout is their output (e.g. `--json`). */
export type LogDestination = 'stdout' | 'stderr';

/**
 * Logs on `destination`: JSON lines, or pretty lines (pino-pretty, in a worker thread) when `format` says
 * so or, unset, when that stream is a terminal. Secrets are redacted wherever they could appear in a logged object.
 */
export function createLogger(level: string, name: string, format?: LogFormat, destination: LogDestination = 'stdout'): Logger {
  const stream = destination === 'stderr' ? process.stderr : process.stdout;
  const fd = destination === 'stderr' ? 2 : 1;
  const pretty = (format ?? (stream.isTTY ? 'pretty' : 'json')) === 'pretty';
  const options = {
    ...(pretty && {
      transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service,role', destination: fd } },
    }),
    name,
    level,
    base: { service: 'lucro', role: name },
    redact: {
      paths: ['req.headers.authorization', 'headers.authorization', 'authorization', 'key', 'apiKey', 'password', 'databaseUrl', 'redisUrl'],
      censor: '[redacted]',
    },
    timestamp: pino.stdTimeFunctions.isoTime,
    // trace_id and span_id of the active span, when tracing is on.
    mixin: traceFields,
  };
  return pretty || destination === 'stdout' ? pino(options) : pino(options, pino.destination({ fd, sync: true }));
}

/** Query parameters of a connection URL that hold a secret: libpq's `password` and `sslpassword`, and any token or secret. */
const SECRET_PARAMETER = /pass|secret|token/i;

/**
 * Hides the secrets of a connection URL so it can be logged or shown: the password of its user and
 * the values of secret query parameters (`?password=`, which node-postgres reads as the password).
 */
export function redactUrl(url: string): string {
  try {
    return redactParsedUrl(new URL(url));
  } catch {
    return '[unparseable url]';
  }
}

export function redactParsedUrl(parsed: URL): string {
  if (parsed.password) parsed.password = '***';
  for (const name of new Set(parsed.searchParams.keys())) {
    if (SECRET_PARAMETER.test(name)) parsed.searchParams.set(name, '***');
  }
  return parsed.toString();
}
