-- The line of heavy runs. Idempotent: applied at every start-up under an advisory lock, after 002_notifications.sql.

-- One row per heavy run that is waiting for, or holds, a place under the limits (one heavy run per cluster,
-- Ops:Fleet:MaxConcurrentHeavyRuns, Ops:Fleet:MaxConcurrentHeavyRunsPerLabel), across every worker replica. Places
-- are given under one transaction-level advisory lock, oldest run first. An admitted run counts until the run itself
-- ends, so a runner that outlives its worker still holds its place. A waiting run holds no Hangfire worker: it is
-- parked, and wake_job_id is the Hangfire job that takes it up again once it is admitted.
CREATE TABLE IF NOT EXISTS ops.heavy_runs (
    run_id      uuid        PRIMARY KEY REFERENCES ops.runs (id) ON DELETE CASCADE,
    cluster     text        NOT NULL,
    -- The cluster's values of the limited labels.
    labels      jsonb       NOT NULL DEFAULT '{}'::jsonb,
    queued_at   timestamptz NOT NULL,
    deadline_at timestamptz,
    wake_job_id text,
    admitted_at timestamptz,
    woken_at    timestamptz,
    entered_at  timestamptz
);
