import { createHash, randomBytes } from 'node:crypto';
import type pg from 'pg';
import { AppError } from '../domain/errors.js';
import { asUnavailable, withTransaction } from '../infra/db.js';
import { findActiveKey, insertKey, upsertIntegration, type KeyOwner } from './auth.repository.js';

export const SCOPES = ['ingest', 'reports', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/** Who is calling: the integration a key belongs to and what it may do. */
export interface Principal {
  integrationId: number;
  integrationName: string;
  scopes: ReadonlySet<string>;
}

export interface CreatedKey {
  key: string;
  integration: string;
  scopes: Scope[];
}

const KEY_PREFIX = 'lucro_';

function hashKey(key: string): Buffer {
  return createHash('sha256').update(key).digest();
}

export class AuthService {
  /** Keys verified recently: saves a database round trip per request without keeping plaintext keys. */
  private readonly cache = new Map<string, { owner: KeyOwner; until: number }>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly cacheMs = 5_000,
  ) {}

  /** Creates an integration if needed and a key for it. The key is returned once and stored only as a hash. */
  async createKey(integration: string, scopes: Scope[]): Promise<CreatedKey> {
    const name = integration.trim();
    if (!/^[A-Za-z0-9._:-]{1,64}$/.test(name)) {
      throw new AppError('validation_error', 'integration must be 1–64 characters of A-Z a-z 0-9 . _ : -');
    }
    const unique = [...new Set(scopes)];
    if (unique.length === 0) throw new AppError('validation_error', `scopes must name at least one of ${SCOPES.join(', ')}`);
    const key = KEY_PREFIX + randomBytes(32).toString('base64url');
    await withTransaction(this.pool, async (client) => {
      const integrationId = await upsertIntegration(client, name);
      await insertKey(client, integrationId, hashKey(key), key.slice(0, KEY_PREFIX.length + 6), unique);
    });
    return { key, integration: name, scopes: unique };
  }

  /** Resolves an `Authorization` header to a principal, or throws `unauthorized`. */
  async authenticate(authorization: string | undefined): Promise<Principal> {
    const match = /^bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!match?.[1]) throw new AppError('unauthorized', 'Send an API key as "Authorization: Bearer <key>".');
    const hash = hashKey(match[1]);
    const cacheKey = hash.toString('base64');
    const now = Date.now();
    let owner = this.cache.get(cacheKey);
    if (!owner || owner.until < now) {
      const found = await findActiveKey(this.pool, hash).catch((error: unknown) => {
        throw asUnavailable(error);
      });
      if (!found) throw new AppError('unauthorized', 'The API key is not valid.');
      owner = { owner: found, until: now + this.cacheMs };
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(cacheKey, owner);
    }
    return { integrationId: owner.owner.integrationId, integrationName: owner.owner.integrationName, scopes: new Set(owner.owner.scopes) };
  }
}

/** Throws `forbidden` unless the principal holds the scope. */
/** The key must hold the scope, or one of the scopes when several are accepted. */
export function requireScope(principal: Principal, scope: Scope | readonly Scope[]): void {
  const accepted: readonly Scope[] = typeof scope === 'string' ? [scope] : scope;
  if (!accepted.some((s) => principal.scopes.has(s))) throw new AppError('forbidden', `This API key lacks the "${accepted.join('" or "')}" scope.`);
}
