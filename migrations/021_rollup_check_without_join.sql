-- The rollup trigger's early exit no longer joins the statement's old and new rows.
--
-- It asked whether any row changed what the rollups count by joining old_rows to new_rows on id.
-- Transition tables have no statistics: a plan that PL/pgSQL cached on a connection after small
-- statements (a claim, a correction: one to a few rows) can be a nested loop, and the same plan then
-- compares every pair of a 10,000-row statement (a re-enrichment sending an account back: 4.3 s with
-- nested loops forced, against 0.1 s hashed), past the statement timeout: the request answered 503.
--
-- Now it compares the two sides as multisets of what the rollups count (EXCEPT ALL: hashed or
-- sorted, never pairwise). Equal multisets are what it needs: the day totals it would add then all
-- net to zero. The rest of the function is unchanged (019).

CREATE OR REPLACE FUNCTION account_rollup_track() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  direction int := CASE TG_OP WHEN 'DELETE' THEN -1 ELSE 1 END;
BEGIN
  IF TG_OP = 'UPDATE' THEN
    IF NOT EXISTS (SELECT account_id, date, coalesce(category, ''), account_rollup_status(status), pending, amount, removed_at IS NULL FROM new_rows
                   EXCEPT ALL
                   SELECT account_id, date, coalesce(category, ''), account_rollup_status(status), pending, amount, removed_at IS NULL FROM old_rows) THEN
      RETURN NULL;
    END IF;
    PERFORM account_rollup_add_days(array_agg(account_id), array_agg(date), array_agg(category), array_agg(status), array_agg(pending),
                                    array_agg(transactions), array_agg(spend), array_agg(income), array_agg(spend_transactions))
       FROM (SELECT account_id, date, category, status, pending, sum(sign) AS transactions, sum(sign * greatest(-amount, 0)) AS spend,
                    sum(sign * greatest(amount, 0)) AS income, sum(sign * (amount < 0)::int) AS spend_transactions
               FROM (SELECT account_id, date, coalesce(category, '') AS category, account_rollup_status(status) AS status, pending, amount, -1 AS sign
                       FROM old_rows WHERE removed_at IS NULL
                     UNION ALL
                     SELECT account_id, date, coalesce(category, ''), account_rollup_status(status), pending, amount, 1
                       FROM new_rows WHERE removed_at IS NULL) AS moved
              GROUP BY account_id, date, category, status, pending
             HAVING sum(sign) <> 0 OR sum(sign * greatest(-amount, 0)) <> 0 OR sum(sign * greatest(amount, 0)) <> 0
                 OR sum(sign * (amount < 0)::int) <> 0) AS days
     HAVING count(*) > 0;
  ELSE
    -- An INSERT's new rows join their keys, a DELETE's old rows leave them: both triggers name their
    -- transition table moved_rows.
    PERFORM account_rollup_add_days(array_agg(account_id), array_agg(date), array_agg(category), array_agg(status), array_agg(pending),
                                    array_agg(direction * transactions), array_agg(direction * spend), array_agg(direction * income),
                                    array_agg(direction * spend_transactions))
       FROM (SELECT account_id, date, coalesce(category, '') AS category, account_rollup_status(status) AS status, pending,
                    count(*) AS transactions, sum(greatest(-amount, 0)) AS spend, sum(greatest(amount, 0)) AS income,
                    count(*) FILTER (WHERE amount < 0) AS spend_transactions
               FROM moved_rows WHERE removed_at IS NULL
              GROUP BY 1, 2, 3, 4, 5) AS days
     HAVING count(*) > 0;
  END IF;
  RETURN NULL;
END;
$$;
