import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requireScope, type AuthService, type Principal, type Scope } from '../auth/auth.service.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal;
  }
  interface FastifyContextConfig {
    /** The scope a route needs; absent means any valid key. */
    scope?: Scope;
  }
}

/** Every /api route needs a key, checked (with its scope) before the body is read or anything is looked up. */
export function registerAuth(app: FastifyInstance, auth: AuthService): void {
  app.decorateRequest('principal', null as unknown as Principal);
  app.addHook('onRequest', async (request: FastifyRequest) => {
    if (!request.url.startsWith('/api/')) return;
    request.principal = await auth.authenticate(request.headers.authorization);
    const scope = request.routeOptions.config.scope;
    if (scope) requireScope(request.principal, scope);
  });
}
