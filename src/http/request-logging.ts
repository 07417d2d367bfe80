import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';
import { traceFields } from '../infra/tracing.js';

/**
 * Fastify's per-request log lines, with the request's trace on each. Its "request completed" is
 * written once the answer has been sent, after the server span has ended, so the logger's mixin
 * finds no active span there: it is given the trace read when the request came in.
 */
export class TracedLogController extends LogController {
  private readonly traces = new WeakMap<FastifyRequest, ReturnType<typeof traceFields>>();

  override incomingRequest(request: FastifyRequest, reply: FastifyReply, metadata?: Record<string, unknown>): void {
    const trace = traceFields();
    if (trace.trace_id !== undefined) this.traces.set(request, trace);
    super.incomingRequest(request, reply, metadata);
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply, metadata?: Record<string, unknown>): void {
    const trace = this.traces.get(request);
    if (trace === undefined || this.isLogDisabled(request)) {
      super.requestCompleted(error, request, reply, metadata);
      return;
    }
    if (error) reply.log.error({ res: reply, err: error, responseTime: reply.elapsedTime, ...trace }, 'request errored');
    else reply.log.info({ res: reply, responseTime: reply.elapsedTime, ...trace }, 'request completed');
  }
}
