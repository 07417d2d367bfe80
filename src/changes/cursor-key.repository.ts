import type { Queryable } from '../infra/db.js';

/** The integration's cursor key (integrations.cursor_key, migration 026); undefined when it has none. */
export async function findCursorKey(db: Queryable, integrationId: number): Promise<Buffer | undefined> {
  const { rows } = await db.query<{ cursor_key: Buffer }>('SELECT cursor_key FROM integrations WHERE id = $1', [integrationId]);
  return rows[0]?.cursor_key;
}

/** Whether the integration has a commit at this feed position. */
export async function ownsChangeSeq(db: Queryable, integrationId: number | string, seq: number): Promise<boolean> {
  const { rows } = await db.query<{ own: boolean }>('SELECT EXISTS (SELECT 1 FROM change_commits WHERE integration_id = $1 AND seq = $2) AS own', [integrationId, seq]);
  return rows[0]?.own === true;
}

/** Whether the endpoint has a delivery at this position. */
export async function ownsDeliverySeq(db: Queryable, endpointId: number | string, seq: number): Promise<boolean> {
  const { rows } = await db.query<{ own: boolean }>('SELECT EXISTS (SELECT 1 FROM webhook_deliveries WHERE endpoint_id = $1 AND seq = $2) AS own', [endpointId, seq]);
  return rows[0]?.own === true;
}

/** The furthest feed and delivery positions a cursor handed out before migration 026 could name (0 when none). */
export async function findLegacyCursorLimits(db: Queryable): Promise<{ changes: number; deliveries: number }> {
  const { rows } = await db.query<{ feed_seq: string; delivery_seq: string }>('SELECT feed_seq, delivery_seq FROM legacy_cursor_limits');
  return { changes: Number(rows[0]?.feed_seq ?? 0), deliveries: Number(rows[0]?.delivery_seq ?? 0) };
}
