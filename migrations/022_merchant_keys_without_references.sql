-- Merchant keys drop two more things that do not name the merchant (enrichment/merchant/normalize.ts):
-- what follows `REF` or `REFERENCE` after a name of two words or more (`J SMITH SAVINGS REF RENT`
-- is `J SMITH SAVINGS`), and a lone digit after a name of two words or more (`WILD FIG WINERY 2` is
-- `WILD FIG WINERY`). Lessons already stored are keyed again the same way, so a merchant corrected
-- before this keeps teaching the lines keyed after it; votes landing on one key are added up.
-- (A key that the cut leaves ending in a legal form, `ACME LTD REF 7`, keeps it here, where the
-- code would drop it too: such a lesson answers for `ACME LTD` lines only.)

-- A plain function (the migrating role may not create temporary objects), dropped at the end.
CREATE FUNCTION merchant_key_022(merchant_key text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT regexp_replace(regexp_replace(merchant_key, '^(\S+ \S+(?: (?!(?:REF|REFERENCE) )\S+)*) (?:REF|REFERENCE) \S.*$', '\1'), '^(\S+ \S+(?: \S+)*) [1-9]$', '\1')
$$;

UPDATE corrections SET merchant_key = merchant_key_022(merchant_key)
 WHERE merchant_key <> merchant_key_022(merchant_key);

WITH moved AS (
  DELETE FROM learned_merchants WHERE merchant_key <> merchant_key_022(merchant_key)
  RETURNING integration_id, merchant_key, category, votes, last_corrected_at
), rekeyed AS (
  INSERT INTO learned_merchants AS m (integration_id, merchant_key, category, votes, last_corrected_at)
  SELECT integration_id, merchant_key_022(merchant_key), category, sum(votes), max(last_corrected_at)
    FROM moved GROUP BY 1, 2, 3
  ON CONFLICT (integration_id, merchant_key, category) DO UPDATE
     SET votes = m.votes + excluded.votes, last_corrected_at = greatest(m.last_corrected_at, excluded.last_corrected_at)
  RETURNING integration_id
)
-- Workers reload what changed.
UPDATE learning_versions SET version = version + 1, updated_at = now()
 WHERE integration_id IN (SELECT integration_id FROM rekeyed);

DROP FUNCTION merchant_key_022(text);
