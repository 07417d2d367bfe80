import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { bearerKey, hashKey, requireScope, type AuthService } from '../auth/auth.service.js';
import { AppError } from '../domain/errors.js';
import { expireAdminSession, findAdminSession, insertAdminSession } from './operations.repository.js';

/** A queue-board session lasts this long; then the operator exchanges the key again. */
export const ADMIN_SESSION_TTL_SECONDS = 15 * 60;

/**
 * Sessions for operators' browser tools (the queue board), which cannot send a Bearer header:
 * an `admin` key is exchanged once for a random token, kept by the browser in an HttpOnly cookie.
 * Stored as a hash in the database, so every API process accepts it and revoking the key ends it.
 */
export class AdminSessions {
  constructor(
    private readonly pool: pg.Pool,
    private readonly auth: AuthService,
  ) {}

  /** Exchanges the admin key in an `Authorization` header for a session: 401 without a valid key, 403 without `admin`. */
  async open(authorization: string | undefined): Promise<{ token: string; expiresAt: string }> {
    requireScope(await this.auth.authenticate(authorization), 'admin');
    const token = randomBytes(32).toString('base64url');
    const expiresAt = await insertAdminSession(this.pool, hashKey(token), hashKey(bearerKey(authorization)), ADMIN_SESSION_TTL_SECONDS);
    // Revoked between the two statements: as if it never was valid.
    if (!expiresAt) throw new AppError('unauthorized', 'The API key is not valid.');
    return { token, expiresAt };
  }

  /** Lets a request through with an admin key (Bearer) or a live session token; throws `unauthorized` or `forbidden`. */
  async check(authorization: string | undefined, sessionToken: string | undefined): Promise<void> {
    if (authorization !== undefined || sessionToken === undefined) {
      requireScope(await this.auth.authenticate(authorization), 'admin');
      return;
    }
    const session = await findAdminSession(this.pool, hashKey(sessionToken));
    if (!session) throw new AppError('unauthorized', 'The queue-board session has expired or was revoked; sign in again.');
  }

  async close(sessionToken: string): Promise<void> {
    await expireAdminSession(this.pool, hashKey(sessionToken));
  }
}
