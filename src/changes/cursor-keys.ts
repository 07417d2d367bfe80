import type { Queryable } from '../infra/db.js';
import type { SealedCursorKind } from '../domain/sealed-cursor.js';

/**
 * Each integration's cursor key (integrations.cursor_key, migration 026), read once per process: a
 * key never changes. A read that fails (the database away) is not kept.
 */
export class CursorKeys {
  private readonly keys = new Map<number, Promise<Buffer>>();
  private limits: Promise<Record<SealedCursorKind, number>> | undefined;

  constructor(private readonly db: Queryable) {}

  keyOf(integrationId: number): Promise<Buffer> {
    let key = this.keys.get(integrationId);
    if (!key) {
      key = this.db.query<{ cursor_key: Buffer }>('SELECT cursor_key FROM integrations WHERE id = $1', [integrationId]).then(({ rows }) => {
        const found = rows[0]?.cursor_key;
        if (!found) throw new Error(`integration ${integrationId} has no cursor key`);
        return found;
      });
      this.keys.set(integrationId, key);
      key.catch(() => this.keys.delete(integrationId));
    }
    return key;
  }

  /** The furthest number a cursor of the unsealed form, handed out before migration 026, could name. */
  async legacyLimit(kind: SealedCursorKind): Promise<number> {
    if (!this.limits) {
      const limits = this.db
        .query<{ feed_seq: string; delivery_seq: string }>('SELECT feed_seq, delivery_seq FROM legacy_cursor_limits')
        .then(({ rows }) => ({ changes: Number(rows[0]?.feed_seq ?? 0), deliveries: Number(rows[0]?.delivery_seq ?? 0) }));
      this.limits = limits;
      limits.catch(() => (this.limits = undefined));
    }
    return (await this.limits)[kind];
  }
}
