-- The change feed's outbox (§12) without foreign keys. Every change row is written by the statement
-- (or transaction) that inserted or locked the transaction it names, with that transaction's own
-- account and integration (src/ingestion/ingestion.repository.ts, src/changes/change.repository.ts,
-- src/enrichment/enrichment.repository.ts), and no transaction, account or integration is ever
-- deleted (the application role may not: deploy/sql/grants.sql): the three references cannot dangle.
-- Their checks were two thirds of what the outbox cost ingestion: three RI look-ups per change row,
-- 1,000 per batch of 1,000 each (bench/README.md, "feed": 99 → 33 ms per 1,000 change rows bare).
ALTER TABLE changes
  DROP CONSTRAINT changes_integration_id_fkey,
  DROP CONSTRAINT changes_account_id_fkey,
  DROP CONSTRAINT changes_transaction_pk_fkey;
