import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requireScope, type AuthService, type Principal, type Scope } from '../auth/auth.service.js';
import type { RateLimiter } from '../auth/rate-limiter.js';
import { AppError } from '../domain/errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal;
  }
  interface FastifyContextConfig {
    /** The scope a route needs, or the scopes of which it needs one; absent means any valid key. */
    scope?: Scope | readonly Scope[];
  }
}

/** Every /api route needs a key, checked (with its scope) before the body is read or anything is looked up. */
export function registerAuth(app: FastifyInstance, auth: AuthService, limiter: RateLimiter): void {
  app.decorateRequest('principal', null as unknown as Principal);
  app.addHook('onRequest', async (request: FastifyRequest) => {
    if (!request.url.startsWith('/api/')) return;
    request.principal = await auth.authenticate(request.headers.authorization);
    const scope = request.routeOptions.config.scope;
    if (scope) requireScope(request.principal, scope);
    const wait = limiter.take(request.principal.integrationId);
    if (wait > 0) throw new AppError('rate_limited', `Too many requests for this integration; retry in ${wait} s.`, { retry_after: wait });
  });
}
