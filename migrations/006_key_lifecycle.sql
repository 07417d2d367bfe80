-- Keys can expire, show when they were last used, and be revoked everywhere at once (contract §14).

-- Written at most about once a minute per key, not on every request.
ALTER TABLE api_keys ADD COLUMN last_used_at timestamptz;
-- NULL: never expires (`lucro keys create --expires-in 30d` sets it).
ALTER TABLE api_keys ADD COLUMN expires_at timestamptz;

-- One counter that moves whenever a key loses or changes its rights. Every API process caches
-- verified keys and reads this counter at most once a second: when it moved, the process forgets
-- every key it verified, so a revoked key is refused by all processes within about a second,
-- whoever revoked it (the CLI, or an operator in psql).
CREATE TABLE api_key_generation (
  singleton   boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  generation  bigint NOT NULL
);
INSERT INTO api_key_generation (generation) VALUES (1);

CREATE FUNCTION api_key_generation_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE api_key_generation SET generation = generation + 1;
  RETURN NULL;
END;
$$;

-- Statement-level, and only for the columns that decide what a key may do: the app's
-- last_used_at writes never move the counter.
CREATE TRIGGER api_keys_rights_changed
  AFTER UPDATE OF revoked_at, expires_at, scopes, key_hash, integration_id OR DELETE ON api_keys
  FOR EACH STATEMENT EXECUTE FUNCTION api_key_generation_bump();
