-- Lists for consoles and BI (contract §15): an integration's batches newest first and its
-- accounts in creation order, each page read from an index in order instead of sorted.
CREATE INDEX batches_integration_created ON batches (integration_id, created_at, id);
CREATE INDEX accounts_integration_id ON accounts (integration_id, id);
