import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requireScope, type AuthService, type Principal, type Scope } from '../auth/auth.service.js';
import type { RateLimiter } from '../auth/rate-limiter.js';
import { AppError } from '../domain/errors.js';
import { requireSentOnce } from './headers.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated caller; reading it on a request nobody authenticated throws `unauthorized`. */
    readonly principal: Principal;
  }
  interface FastifyContextConfig {
    /** The scope a route needs, or the scopes of which it needs one; absent means any valid key. */
    scope?: Scope | readonly Scope[];
  }
}

export interface AuthLimits {
  /** Requests per integration. */
  perIntegration: RateLimiter<number>;
  /** Requests answered 401 per client address: a flood of bad keys is refused before any lookup. */
  failuresPerAddress: RateLimiter<string>;
}

const principals = new WeakMap<FastifyRequest, Principal>();

/**
 * Runs `check` of a key or session under the failed-authentication limit of the client's address:
 * an address flooding bad ones is refused before any lookup (unless `whileBackedOff` vouches for the
 * credentials without one), and each check refused 401 counts against it. Only a credential that is
 * missing or unknown counts: a key's scope is its own integration's limit.
 */
export async function limitFailedAuthentications<T>(
  failures: RateLimiter<string>,
  address: string,
  check: () => Promise<T>,
  whileBackedOff: () => Promise<T | undefined> = async () => undefined,
): Promise<T> {
  const backOff = failures.wait(address);
  if (backOff > 0) {
    const known = await whileBackedOff();
    if (known === undefined) throw new AppError('rate_limited', `Too many failed authentications from this address; retry in ${backOff} s.`, { retry_after: backOff });
    return known;
  }
  try {
    return await check();
  } catch (error) {
    if (error instanceof AppError && error.code === 'unauthorized') failures.take(address);
    throw error;
  }
}

/**
 * The request's Authorization header. Of two, Node keeps the first: which credentials were meant
 * cannot be told, so neither is tried (400 at `/headers/authorization`).
 */
export function authorizationOf(request: FastifyRequest): string | undefined {
  requireSentOnce(request.raw.rawHeaders, 'authorization', 'The request has more than one Authorization header.');
  return request.headers.authorization;
}

/**
 * Authenticates every route of the (encapsulated) context it is registered in, with its scope,
 * before the body is read or anything is looked up. Deny by default: a handler that asks for the
 * principal of a request that was never authenticated gets 401, never a null.
 */
export function registerAuth(app: FastifyInstance, auth: AuthService, limits: AuthLimits): void {
  app.decorateRequest('principal', {
    getter(this: FastifyRequest): Principal {
      const principal = principals.get(this);
      if (!principal) throw new AppError('unauthorized', 'Send an API key as "Authorization: Bearer <key>".');
      return principal;
    },
  });
  app.addHook('onRequest', async (request: FastifyRequest) => {
    const authorization = authorizationOf(request);
    const principal = await limitFailedAuthentications(
      limits.failuresPerAddress,
      request.ip,
      () => auth.authenticate(authorization),
      // A good key verified lately (another client behind the same proxy) is not locked out with the address.
      () => auth.knownPrincipal(authorization),
    );
    // Every request of an authenticated client counts against its integration, one refused for its scope too.
    const wait = limits.perIntegration.take(principal.integrationId);
    if (wait > 0) throw new AppError('rate_limited', `Too many requests for this integration; retry in ${wait} s.`, { retry_after: wait });
    const scope = request.routeOptions.config.scope;
    if (scope) requireScope(principal, scope);
    principals.set(request, principal);
  });
}
