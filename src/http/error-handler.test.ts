import Fastify, { type FastifyBaseLogger } from 'fastify';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { AppError } from '../domain/errors.js';
import { registerErrorHandling } from './error-handler.js';

describe('logging the answers that fail', () => {
  it('when a request is answered 503 (draining, a dependency away), then one warning names the reason, with no stack; a bug is an error with its stack', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const logger: FastifyBaseLogger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
    const app = Fastify({ loggerInstance: logger, disableRequestLogging: true });
    registerErrorHandling(app);
    app.get('/draining', async () => {
      throw new AppError('service_unavailable', 'The service is shutting down; retry shortly.');
    });
    app.get('/broken', async () => {
      throw new Error('a bug');
    });

    expect((await app.inject({ url: '/draining' })).statusCode).toBe(503);
    expect((await app.inject({ url: '/broken' })).statusCode).toBe(500);
    await app.close();

    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      [40, 'request answered 503'],
      [50, 'request failed'],
    ]);
    expect(lines[0]).toMatchObject({ reason: 'The service is shutting down; retry shortly.' });
    expect(lines[0]).not.toHaveProperty('err');
    expect(lines[1]).toMatchObject({ err: { message: 'a bug', stack: expect.stringContaining('Error: a bug') } });
  });
});
