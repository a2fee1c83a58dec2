-- Notifications of StackGres.Ops. Idempotent: applied at every start-up under an advisory lock, after 001_runs.sql.

-- The outbox: one row per event and sink, written in the transaction that records what happened (a run's
-- outcome, a staleness episode starting or ending), delivered afterwards by whichever worker replica claims it.
-- id is the event's id, the same for every sink: receivers de-duplicate on it.
CREATE TABLE IF NOT EXISTS ops.notifications (
    id              uuid        NOT NULL,
    sink            text        NOT NULL,
    event           text        NOT NULL,
    cluster         text        NOT NULL,
    operation       text        NOT NULL,
    run_id          uuid,
    occurred_at     timestamptz NOT NULL,
    summary         text        NOT NULL,
    details         json        NOT NULL DEFAULT '{}'::json,
    attempts        integer     NOT NULL DEFAULT 0,
    -- When the next attempt is due. A claim moves it forward by the claim's lease, so a replica that dies while
    -- delivering leaves the row due again once the lease has run out.
    next_attempt_at timestamptz NOT NULL,
    last_error      text,
    delivered_at    timestamptz,
    given_up_at     timestamptz,
    PRIMARY KEY (id, sink)
);

CREATE INDEX IF NOT EXISTS notifications_due ON ops.notifications (next_attempt_at)
    WHERE delivered_at IS NULL AND given_up_at IS NULL;

-- Staleness episodes: one row per cluster and operation the worker watches. stale_since is set by the check
-- that finds no successful run within the bound (and queues the alert in the same transaction), and cleared by
-- the check that finds one again (queueing the recovery): conditional updates, so one replica makes each change.
CREATE TABLE IF NOT EXISTS ops.staleness (
    cluster       text        NOT NULL,
    operation     text        NOT NULL,
    watched_since timestamptz NOT NULL,
    stale_since   timestamptz,
    PRIMARY KEY (cluster, operation)
);

-- The latest outcome of each operation on each cluster (metrics, staleness).
CREATE INDEX IF NOT EXISTS runs_outcomes ON ops.runs (cluster, operation, finished_at DESC)
    WHERE status IN ('succeeded', 'failed') AND NOT dry_run;
