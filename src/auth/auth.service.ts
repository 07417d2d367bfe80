import { createHash, randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { AppError } from '../domain/errors.js';
import { IDENTIFIER_CHARACTERS, INTEGRATION_NAME_MAX_LENGTH, isIntegrationName } from '../domain/identifiers.js';
import { withTransaction } from '../infra/db.js';
import {
  findActiveKey,
  findKeysByPrefix,
  insertKey,
  listKeys,
  readKeyGeneration,
  revokeKey,
  touchKey,
  upsertIntegration,
  type KeyOwner,
  type KeyRecord,
} from './auth.repository.js';
import { DEFAULT_KEY_CACHE, KeyCache, type KeyCacheOptions } from './key-cache.js';

export const SCOPES = ['ingest', 'reports', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];
export type { KeyRecord } from './auth.repository.js';

/** Who is calling: the integration a key belongs to and what it may do. */
export interface Principal {
  integrationId: number;
  integrationName: string;
  scopes: ReadonlySet<string>;
}

export interface CreatedKey {
  key: string;
  /** The start of the key kept in clear: what `keys list` shows and `keys revoke` takes. */
  prefix: string;
  integration: string;
  scopes: Scope[];
  /** Set only for a key created with an expiry. */
  expiresAt?: Date;
}

/** What `revokeKey` did with the text it was given. */
export type RevokeOutcome =
  | { outcome: 'revoked' | 'already_revoked'; key: KeyRecord }
  | { outcome: 'not_found' }
  | { outcome: 'ambiguous'; keys: KeyRecord[] };

const KEY_PREFIX = 'lucro_';
/** Every key this service issues: the prefix and 32 random bytes in base64url. */
const KEY_SHAPE = /^lucro_[A-Za-z0-9_-]{43}$/;
/** Characters of a key kept in clear, so operators can tell keys apart. */
const SHOWN_PREFIX_LENGTH = KEY_PREFIX.length + 6;
/** A revoked key is refused everywhere within this, even while the database cannot be asked. */
const REVOCATION_BOUND_MS = 5_000;
/** How long a request waits for the key generation check while verified keys are still trusted. */
const TRUSTED_CHECK_WAIT_MS = 250;
/** Trust must last at least this much longer for a request not to wait for the check. */
const TRUSTED_WAIT_MARGIN_MS = 1_000;

/** The stored form of a key (or of any bearer token): its SHA-256. */
export function hashKey(key: string): Buffer {
  return createHash('sha256').update(key).digest();
}

function invalidKey(): AppError {
  return new AppError('unauthorized', 'The API key is not valid.');
}

const BEARER = /^bearer\s+(\S+)\s*$/i;

/** The key an `Authorization: Bearer <key>` header carries (the scheme is case-insensitive), or throws `unauthorized`. */
export function bearerKey(authorization: string | undefined): string {
  const match = BEARER.exec(authorization ?? '');
  if (!match?.[1]) throw new AppError('unauthorized', 'Send an API key as "Authorization: Bearer <key>".');
  return match[1];
}

export class AuthService {
  private readonly cache: KeyCache;
  /** One lookup per key hash at a time: a burst of requests with one key costs one query. */
  private readonly lookups = new Map<string, Promise<KeyOwner | undefined>>();
  private generationCheck: Promise<void> | undefined;

  constructor(
    private readonly pool: pg.Pool,
    cacheOptions: KeyCacheOptions = DEFAULT_KEY_CACHE,
    private readonly now: () => number = Date.now,
  ) {
    this.cache = new KeyCache(cacheOptions);
  }

  /**
   * Creates an integration if needed and a key for it. The key is returned once and stored only as
   * a hash. `expiresInSeconds` makes a key that stops working after that long.
   */
  async createKey(integration: string, scopes: Scope[], expiresInSeconds?: number): Promise<CreatedKey> {
    const name = integration.trim();
    if (!isIntegrationName(name)) {
      throw new AppError('validation_error', `integration must be 1–${INTEGRATION_NAME_MAX_LENGTH} characters of ${IDENTIFIER_CHARACTERS}`);
    }
    const unique = [...new Set(scopes)];
    if (unique.length === 0) throw new AppError('validation_error', `scopes must name at least one of ${SCOPES.join(', ')}`);
    if (expiresInSeconds !== undefined && !(Number.isInteger(expiresInSeconds) && expiresInSeconds > 0)) {
      throw new AppError('validation_error', 'expiry must be a positive whole number of seconds');
    }
    const key = KEY_PREFIX + randomBytes(32).toString('base64url');
    const prefix = key.slice(0, SHOWN_PREFIX_LENGTH);
    const expiresAt = await withTransaction(this.pool, async (client) => {
      const integrationId = await upsertIntegration(client, name);
      return insertKey(client, {
        integrationId,
        keyHash: hashKey(key),
        keyPrefix: prefix,
        scopes: unique,
        expiresInSeconds: expiresInSeconds ?? null,
      });
    });
    return { key, prefix, integration: name, scopes: unique, ...(expiresAt ? { expiresAt } : {}) };
  }

  /** Every key (or one integration's) with its state; never the keys themselves. */
  async listKeys(integration?: string): Promise<KeyRecord[]> {
    return listKeys(this.pool, integration ?? null);
  }

  /**
   * Revokes the one key that `prefixOrKey` names (a start of its shown prefix, or the key itself).
   * Text that names several keys revokes none of them. Every API process refuses a revoked key
   * within about a second (see KeyCache).
   */
  async revokeKey(prefixOrKey: string): Promise<RevokeOutcome> {
    const text = prefixOrKey.trim();
    if (text === '') return { outcome: 'not_found' };
    const matches = await findKeysByPrefix(this.pool, text, hashKey(text));
    const [only] = matches;
    if (!only) return { outcome: 'not_found' };
    if (matches.length > 1) return { outcome: 'ambiguous', keys: matches };
    if (only.revokedAt) return { outcome: 'already_revoked', key: only };
    const revokedAt = await revokeKey(this.pool, only.id);
    return { outcome: 'revoked', key: { ...only, revokedAt } };
  }

  /** Resolves an `Authorization` header to a principal, or throws `unauthorized`. */
  async authenticate(authorization: string | undefined): Promise<Principal> {
    const key = bearerKey(authorization);
    // Anything this service could not have issued is refused without touching the database.
    if (!KEY_SHAPE.test(key)) throw invalidKey();
    const hash = hashKey(key);
    const id = hash.toString('base64');
    await this.revalidate();
    if (this.cache.isKnownMiss(id, this.now())) throw invalidKey();
    const owner = this.cache.get(id, this.now()) ?? (await this.lookUp(id, hash));
    if (!owner) throw invalidKey();
    return this.principalOf(owner);
  }

  /**
   * The principal of a key this process verified lately and that is still good, without a lookup;
   * undefined for any other header. What an address that floods bad keys is still let through with.
   */
  async knownPrincipal(authorization: string | undefined): Promise<Principal | undefined> {
    const key = BEARER.exec(authorization ?? '')?.[1];
    if (key === undefined || !KEY_SHAPE.test(key)) return undefined;
    await this.revalidate();
    const owner = this.cache.get(hashKey(key).toString('base64'), this.now());
    return owner && this.principalOf(owner);
  }

  private principalOf(owner: KeyOwner): Principal {
    if (this.cache.shouldTouch(owner.keyId, this.now())) {
      // Best effort and off the request path: a lost last_used_at write costs nothing.
      touchKey(this.pool, owner.keyId).catch(() => {});
    }
    return { integrationId: owner.integrationId, integrationName: owner.integrationName, scopes: new Set(owner.scopes) };
  }

  /** Reads the key generation at most once a second, shared by every request waiting on it. */
  private async revalidate(): Promise<void> {
    if (!this.cache.needsGenerationCheck(this.now())) return;
    this.generationCheck ??= readKeyGeneration(this.pool)
      .then((generation) => this.cache.observeGeneration(generation, this.now()))
      .finally(() => (this.generationCheck = undefined));
    try {
      // While verified keys may still be trusted, a request waits for the check only briefly: the
      // check goes on and updates the cache when it answers. A database that stopped answering
      // otherwise cost the request a whole query timeout here before its own work met the outage too,
      // and its 503 came after §9's 5 s.
      if (this.cache.trustedAt(this.now() + TRUSTED_WAIT_MARGIN_MS, REVOCATION_BOUND_MS)) await Promise.race([this.generationCheck, sleep(TRUSTED_CHECK_WAIT_MS)]);
      else await this.generationCheck;
    } catch (error) {
      // Without the database a verified key is still trusted, but never past the revocation bound.
      if (!this.cache.trustedAt(this.now(), REVOCATION_BOUND_MS)) throw error;
    }
  }

  private lookUp(id: string, hash: Buffer): Promise<KeyOwner | undefined> {
    const pending = this.lookups.get(id);
    if (pending) return pending;
    const generation = this.cache.currentGeneration;
    const lookup = findActiveKey(this.pool, hash)
      .then((owner) => {
        if (owner) this.cache.remember(id, owner, generation, this.now());
        else this.cache.rememberMiss(id, this.now());
        return owner;
      })
      .finally(() => this.lookups.delete(id));
    this.lookups.set(id, lookup);
    return lookup;
  }
}

/** Throws `forbidden` unless the principal holds the scope. */
/** The key must hold the scope, or one of the scopes when several are accepted. */
export function requireScope(principal: Principal, scope: Scope | readonly Scope[]): void {
  const accepted: readonly Scope[] = typeof scope === 'string' ? [scope] : scope;
  if (!accepted.some((s) => principal.scopes.has(s))) throw new AppError('forbidden', `This API key lacks the "${accepted.join('" or "')}" scope.`);
}
