import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Link, type SpanContext } from '@opentelemetry/api';

/**
 * Spans through the OpenTelemetry API only. Without the SDK (tracing off, see tracing-sdk.ts) every
 * call here is a no-op on a non-recording span, so the code paths cost next to nothing.
 */
const tracer = trace.getTracer('lucro');

/** W3C trace context (`traceparent`, `tracestate`) of the active span, to travel inside a job's data. */
export type TraceCarrier = Record<string, string>;

/** The active trace context as a carrier; empty when nothing is traced. */
export function currentTraceCarrier(): TraceCarrier {
  const carrier: TraceCarrier = {};
  propagation.inject(context.active(), carrier);
  return carrier;
}

/** The context a carrier describes (the root context when it is empty or absent). */
export function contextFromCarrier(carrier: TraceCarrier | undefined): Context {
  return carrier ? propagation.extract(context.active(), carrier) : context.active();
}

/** The active span's W3C `traceparent`, to store beside what it records (a webhook event); null when nothing is traced. */
export function activeTraceParent(): string | null {
  return currentTraceCarrier().traceparent ?? null;
}

/** The context a stored `traceparent` names, to continue its trace later; undefined for none or a malformed one. */
export function contextFromTraceParent(traceParent: string | null): Context | undefined {
  if (!traceParent) return undefined;
  const extracted = propagation.extract(ROOT_CONTEXT, { traceparent: traceParent });
  return trace.getSpanContext(extracted) ? extracted : undefined;
}

/** The span context active now, e.g. to link a later span (one that serves several jobs) to it. */
export function activeSpanContext(): SpanContext | undefined {
  const span = trace.getActiveSpan();
  return span?.isRecording() ? span.spanContext() : undefined;
}

export interface SpanOptions {
  attributes?: Attributes;
  kind?: SpanKind;
  /** Parent context; the active one by default. */
  parent?: Context;
  links?: Link[];
}

/** Runs `work` inside a new span, ended when it settles; an error is recorded on the span and rethrown. */
export async function inSpan<T>(name: string, options: SpanOptions, work: () => Promise<T>): Promise<T> {
  const { parent = context.active(), ...spanOptions } = options;
  return tracer.startActiveSpan(name, spanOptions, parent, async (span) => {
    try {
      return await work();
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
      throw error;
    } finally {
      span.end();
    }
  });
}

/**
 * Runs `start` inside a new span that ends once every promise it returned has settled, and hands
 * those promises back untouched (their failures are the caller's, not recorded on the span).
 */
export function inGroupSpan<T>(name: string, options: SpanOptions, start: () => Array<Promise<T>>): Array<Promise<T>> {
  const { parent = context.active(), ...spanOptions } = options;
  const span = tracer.startSpan(name, spanOptions, parent);
  const promises = context.with(trace.setSpan(parent, span), start);
  void Promise.allSettled(promises).then(() => span.end());
  return promises;
}

/** Adds what is known only at the end (an outcome, a status code) to the active span; an error marks it failed. */
export function annotateActiveSpan(attributes: Attributes, error?: string): void {
  const span = trace.getActiveSpan();
  if (!span?.isRecording()) return;
  span.setAttributes(attributes);
  if (error !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: error });
}

/** Names the active HTTP server span after the matched route (`POST /api/batches/{id}` style), never the raw URL. */
export function nameServerSpan(method: string, route: string | undefined): void {
  const span = trace.getActiveSpan();
  if (!route || !span?.isRecording()) return;
  span.updateName(`${method} ${route}`);
  span.setAttribute('http.route', route);
}

/** `trace_id` and `span_id` of the active span for a log line; nothing when no span records. */
export function traceFields(): { trace_id?: string; span_id?: string } {
  const span = trace.getActiveSpan();
  if (!span?.isRecording()) return {};
  const { traceId, spanId } = span.spanContext();
  return { trace_id: traceId, span_id: spanId };
}

export { SpanKind };
