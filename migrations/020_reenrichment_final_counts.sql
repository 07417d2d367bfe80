-- What a re-enrichment did stays what it did. Its counts were its rows counted by status, so they
-- changed after the fact: a later re-enrichment takes rows it finished, a correction clears a row's
-- tag, a removal hides it. A finished re-enrichment now keeps the counts it finished with (and when
-- its last row finished); until then its total is the number it announced, less its rows removed
-- since, and a row that left it counts as done (only finished rows are taken by another
-- re-enrichment, and a correction finishes a row).
ALTER TABLE reenrichments
  ADD COLUMN final_completed  integer CHECK (final_completed >= 0),
  ADD COLUMN final_failed     integer CHECK (final_failed >= 0),
  ADD COLUMN last_finished_at timestamptz;
