-- When a worker last claimed rows of the batch. The scheduler re-dispatches a batch only when its
-- rows have waited and nothing has claimed from it for as long: a batch that is being worked (or
-- waits its turn behind others while its rows are claimed) is left to the jobs it has.
ALTER TABLE batches ADD COLUMN last_claimed_at timestamptz;
