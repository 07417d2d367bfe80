import type { Queryable } from './db.js';

/**
 * Namespaces of PostgreSQL advisory locks, one per use. Every lock takes the two-key form
 * `pg_advisory_*(int4, int4)`, which never meets a lock taken with the one-bigint form (PostgreSQL
 * keeps the two forms apart). A use with a small key takes `(namespace, key)`; a use keyed by a
 * string takes the two halves of a 64-bit hash of `'<namespace>:<key>'`, so two of its keys meet
 * once in 2^64 (a 32-bit hash beside the namespace met once in 2^32, which a search finds).
 * A new use adds its own number here; numbers are never reused.
 */
export const LOCK_NAMESPACE = {
  /** The schema migrations: (1, 0). */
  migrations: 1,
  /** One Idempotency-Key of one integration: halves of hashtextextended('2:<integration id>:<key>', 0). */
  idempotencyKey: 2,
  /** The API's writes to one account (lockAccountWrites): (3, account id modulo 2^31 - 1; two accounts sharing it only wait for each other). */
  accountWrites: 3,
} as const;

/**
 * Waits until no other request writes to this account (an ingestion, a removal, a correction),
 * until the caller's database transaction ends. Their row locks are taken in several steps (new
 * rows, re-sent ones, the pending ones a posted transaction replaces, the corrected row, rollups),
 * which two of them could take in opposite orders.
 */
export async function lockAccountWrites(db: Queryable, accountId: number): Promise<void> {
  await db.query('SELECT pg_advisory_xact_lock($1::int4, ($2::bigint % 2147483647)::int4)', [LOCK_NAMESPACE.accountWrites, accountId]);
}
