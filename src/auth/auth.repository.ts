import type { Queryable } from '../infra/db.js';

export interface KeyOwner {
  keyId: number;
  integrationId: number;
  integrationName: string;
  scopes: string[];
  /** When the key stops working; null: never. */
  expiresAt: Date | null;
}

/** A key as operators see it: never the key itself, only its first characters. */
export interface KeyRecord {
  id: number;
  prefix: string;
  integration: string;
  scopes: string[];
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  expiresAt: Date | null;
}

const KEY_RECORD_COLUMNS = `k.id, k.key_prefix AS prefix, i.name AS integration, k.scopes, k.created_at AS "createdAt",
       k.last_used_at AS "lastUsedAt", k.revoked_at AS "revokedAt", k.expires_at AS "expiresAt"`;

export async function findActiveKey(db: Queryable, keyHash: Buffer): Promise<KeyOwner | undefined> {
  const { rows } = await db.query<KeyOwner>(
    `SELECT k.id AS "keyId", i.id AS "integrationId", i.name AS "integrationName", k.scopes, k.expires_at AS "expiresAt"
       FROM api_keys k JOIN integrations i ON i.id = k.integration_id
      WHERE k.key_hash = $1 AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > now())`,
    [keyHash],
  );
  return rows[0];
}

/** The counter that moves whenever a key is revoked or its rights change (migration 006). */
export async function readKeyGeneration(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ generation: number }>('SELECT generation FROM api_key_generation');
  return rows[0]?.generation ?? 0;
}

/** Records a use; a key used within the last minute is left alone, so busy keys cost no writes. */
export async function touchKey(db: Queryable, keyId: number): Promise<void> {
  await db.query(
    `UPDATE api_keys SET last_used_at = now()
      WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
    [keyId],
  );
}

export async function upsertIntegration(db: Queryable, name: string): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    `WITH inserted AS (
       INSERT INTO integrations (name) VALUES ($1) ON CONFLICT (name) DO NOTHING RETURNING id
     )
     SELECT id FROM inserted UNION ALL SELECT id FROM integrations WHERE name = $1 LIMIT 1`,
    [name],
  );
  const row = rows[0];
  if (!row) throw new Error(`integration ${name} could not be created`);
  return row.id;
}

/** Stores a key's hash; `expiresInSeconds` null means it never expires. Returns its expiry. */
export async function insertKey(
  db: Queryable,
  key: { integrationId: number; keyHash: Buffer; keyPrefix: string; scopes: string[]; expiresInSeconds: number | null },
): Promise<Date | null> {
  const { rows } = await db.query<{ expiresAt: Date | null }>(
    `INSERT INTO api_keys (integration_id, key_hash, key_prefix, scopes, expires_at)
     VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5))
     RETURNING expires_at AS "expiresAt"`,
    [key.integrationId, key.keyHash, key.keyPrefix, key.scopes, key.expiresInSeconds],
  );
  return rows[0]?.expiresAt ?? null;
}

/** Every key, or one integration's, oldest first. */
export async function listKeys(db: Queryable, integration: string | null): Promise<KeyRecord[]> {
  const { rows } = await db.query<KeyRecord>(
    `SELECT ${KEY_RECORD_COLUMNS}
       FROM api_keys k JOIN integrations i ON i.id = k.integration_id
      WHERE $1::text IS NULL OR i.name = $1
      ORDER BY k.created_at, k.id`,
    [integration],
  );
  return rows;
}

/**
 * Keys an operator may mean by `text`: the key itself (by its hash), a start of its stored prefix,
 * or a longer start of the key that begins with the whole stored prefix.
 */
export async function findKeysByPrefix(db: Queryable, text: string, keyHash: Buffer): Promise<KeyRecord[]> {
  const { rows } = await db.query<KeyRecord>(
    `SELECT ${KEY_RECORD_COLUMNS}
       FROM api_keys k JOIN integrations i ON i.id = k.integration_id
      WHERE k.key_hash = $2 OR starts_with(k.key_prefix, $1) OR starts_with($1, k.key_prefix)
      ORDER BY k.created_at, k.id`,
    [text, keyHash],
  );
  return rows;
}

/** Revokes one key; answers when it was revoked (now, or earlier if it already was). */
export async function revokeKey(db: Queryable, keyId: number): Promise<Date> {
  const { rows } = await db.query<{ revokedAt: Date }>(
    `UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 RETURNING revoked_at AS "revokedAt"`,
    [keyId],
  );
  const row = rows[0];
  if (!row) throw new Error(`key ${keyId} vanished while being revoked`);
  return row.revokedAt;
}
