import type { Queryable } from '../infra/db.js';

export interface KeyOwner {
  integrationId: number;
  integrationName: string;
  scopes: string[];
}

export async function findActiveKey(db: Queryable, keyHash: Buffer): Promise<KeyOwner | undefined> {
  const { rows } = await db.query<KeyOwner>(
    `SELECT i.id AS "integrationId", i.name AS "integrationName", k.scopes
       FROM api_keys k JOIN integrations i ON i.id = k.integration_id
      WHERE k.key_hash = $1 AND k.revoked_at IS NULL`,
    [keyHash],
  );
  return rows[0];
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

export async function insertKey(db: Queryable, integrationId: number, keyHash: Buffer, keyPrefix: string, scopes: string[]): Promise<void> {
  await db.query('INSERT INTO api_keys (integration_id, key_hash, key_prefix, scopes) VALUES ($1, $2, $3, $4)', [
    integrationId,
    keyHash,
    keyPrefix,
    scopes,
  ]);
}
