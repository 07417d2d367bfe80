-- Whether a process runs the scheduler's sweep (a scheduler, `lucro start`, or a worker without
-- Redis): `lucro status` tells a deployment with no sweeper from one whose workers sweep for
-- themselves without guessing from its own REDIS_URL. NULL: written by a release before this one.
ALTER TABLE worker_heartbeats ADD COLUMN sweeps boolean;
