import type { Queryable } from '../infra/db.js';
import type { SealedCursorKind } from '../domain/sealed-cursor.js';
import { findCursorKey, findLegacyCursorLimits, ownsChangeSeq, ownsDeliverySeq } from './cursor-key.repository.js';

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
      key = findCursorKey(this.db, integrationId).then((found) => {
        if (!found) throw new Error(`integration ${integrationId} has no cursor key`);
        return found;
      });
      this.keys.set(integrationId, key);
      key.catch(() => this.keys.delete(integrationId));
    }
    return key;
  }

  /**
   * Whether a cursor of the unsealed form, naming `seq`, is one this API could have handed to its
   * holder: any that could reach no further than the upgrade (migration 026), or, past it, one that
   * names a place of the holder's own — a commit of the integration's (`changes`), a delivery of the
   * endpoint's (`deliveries`), as a process of the previous version, still running during a rolling
   * upgrade, hands out. A made-up one cannot search out the numbers of other integrations' writes.
   */
  async acceptsUnsealed(kind: SealedCursorKind, owner: number | string, seq: number): Promise<boolean> {
    if (seq <= (await this.legacyLimit(kind))) return true;
    return kind === 'changes' ? ownsChangeSeq(this.db, owner, seq) : ownsDeliverySeq(this.db, owner, seq);
  }

  /** The furthest number a cursor of the unsealed form, handed out before migration 026, could name. */
  private async legacyLimit(kind: SealedCursorKind): Promise<number> {
    if (!this.limits) {
      const limits = findLegacyCursorLimits(this.db);
      this.limits = limits;
      limits.catch(() => (this.limits = undefined));
    }
    return (await this.limits)[kind];
  }
}
