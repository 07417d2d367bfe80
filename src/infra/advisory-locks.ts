/**
 * Namespaces of PostgreSQL advisory locks, one per use. Every lock takes the two-key form
 * `pg_advisory_*(namespace int4, key int4)`: a key hashed by one use can never equal another use's,
 * and none meets a lock taken with the one-bigint form (PostgreSQL keeps the two forms apart).
 * A new use adds its own number here; numbers are never reused.
 */
export const LOCK_NAMESPACE = {
  /** The schema migrations; key 0. */
  migrations: 1,
  /** One Idempotency-Key of one integration; key = hashtext('<integration id>:<key>'). */
  idempotencyKey: 2,
  /** The same, under a second hash: the high 32 bits of hashtextextended('<integration id>:<key>', 0). */
  idempotencyKeyHigh: 3,
} as const;
