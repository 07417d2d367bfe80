-- The W3C `traceparent` of the span that recorded each webhook event (the worker's job for a
-- `batch.completed`, which itself continues the trace of the POST that created the batch), so a
-- delivery's span joins the trace of its cause however much later, and in whatever process, it is
-- sent (issue #15). NULL when nothing was traced. Adding a nullable column rewrites nothing.
ALTER TABLE webhook_events ADD COLUMN trace_parent text;
