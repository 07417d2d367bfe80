-- Operators' tools (the queue board) need a scope of their own beside ingest and reports (contract §15).
ALTER TABLE api_keys DROP CONSTRAINT api_keys_scopes_check;
ALTER TABLE api_keys ADD CONSTRAINT api_keys_scopes_check CHECK (scopes <@ ARRAY['ingest', 'reports', 'admin']::text[]);
