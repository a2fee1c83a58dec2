-- Run history of StackGres.Ops. Idempotent: applied at every start-up under an advisory lock.
CREATE SCHEMA IF NOT EXISTS ops;

CREATE TABLE IF NOT EXISTS ops.runs (
    id               uuid        PRIMARY KEY,
    cluster          text        NOT NULL,
    operation        text        NOT NULL,
    parameters       json        NOT NULL DEFAULT '{}'::json,
    dry_run          boolean     NOT NULL DEFAULT false,
    trigger          text        NOT NULL,
    status           text        NOT NULL
        CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled', 'skipped')),
    reason           text,
    executor         text,
    job_id           text,
    cancel_requested boolean     NOT NULL DEFAULT false,
    progress         json,
    result           json,
    created_at       timestamptz NOT NULL,
    started_at       timestamptz,
    finished_at      timestamptz
);

CREATE INDEX IF NOT EXISTS runs_created_at ON ops.runs (created_at DESC);
CREATE INDEX IF NOT EXISTS runs_cluster_created_at ON ops.runs (cluster, created_at DESC);
CREATE INDEX IF NOT EXISTS runs_active ON ops.runs (status) WHERE status IN ('queued', 'running');

CREATE TABLE IF NOT EXISTS ops.run_logs (
    run_id   uuid        NOT NULL REFERENCES ops.runs (id) ON DELETE CASCADE,
    seq      bigint      GENERATED ALWAYS AS IDENTITY,
    time     timestamptz NOT NULL,
    level    text        NOT NULL,
    message  text        NOT NULL,
    PRIMARY KEY (run_id, seq)
);

-- Runs started by a maintenance window must end by the window's close.
ALTER TABLE ops.runs ADD COLUMN IF NOT EXISTS deadline_at timestamptz;
CREATE INDEX IF NOT EXISTS runs_job_id ON ops.runs (job_id) WHERE job_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS runs_estimates ON ops.runs (cluster, operation, finished_at DESC) WHERE status = 'succeeded';

-- The step of its window a run belongs to (a step driven by health-check findings may make one run per database).
ALTER TABLE ops.runs ADD COLUMN IF NOT EXISTS window_step integer;

-- Run ownership. The worker running a run holds a lease it renews; when the lease runs out (the
-- worker was killed, its machine lost) any live worker takes the run over. Every take-over adds one
-- to the attempt, and every state change names the attempt it belongs to, so a worker that lost
-- its lease can no longer change the run (fencing).
ALTER TABLE ops.runs ADD COLUMN IF NOT EXISTS owner text;
ALTER TABLE ops.runs ADD COLUMN IF NOT EXISTS attempt integer NOT NULL DEFAULT 0;
ALTER TABLE ops.runs ADD COLUMN IF NOT EXISTS lease_expires_at timestamptz;
CREATE INDEX IF NOT EXISTS runs_leases ON ops.runs (lease_expires_at) WHERE status IN ('queued', 'running') AND owner IS NOT NULL;

-- StackGres's timeout and maxRetries: how long the run may take in all, and how many times a failed
-- attempt of an idempotent operation starts again.
ALTER TABLE ops.runs ADD COLUMN IF NOT EXISTS timeout interval;
ALTER TABLE ops.runs ADD COLUMN IF NOT EXISTS max_retries integer NOT NULL DEFAULT 0;
