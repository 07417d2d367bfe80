-- Account pages go newest date first, then by transaction id (§11) in code-point order, as the
-- summaries break their ties: the same order whatever collation the database was created with
-- (under an ICU locale `T_1` came before `T-1`, and `t-i` between `T-I` and `T:1`). The query
-- sorts and pages with COLLATE "C"; the index is built the same way to serve it.
DROP INDEX transactions_account_date;
CREATE INDEX transactions_account_date ON transactions (account_id, date DESC, transaction_id COLLATE "C");
