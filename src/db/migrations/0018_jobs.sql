-- The durable job queue: work that runs without a request (deliveries,
-- incoming activities, fetches). A job is written in the same transaction
-- as the change that calls for it, so a crash loses neither. A worker
-- leases a job by setting claimed_until; a lease that runs out (the worker
-- died, even by kill -9) lets another worker take the job again, so every
-- job runs at least once. A job that succeeds is deleted; one that fails
-- waits until run_at, longer after each attempt, and is given up after
-- many (failed_at set, kept for the operator to see).
CREATE TABLE jobs (
    id BIGINT PRIMARY KEY,
    kind TEXT NOT NULL,            -- "deliver", "inbox", ...
    lane TEXT NOT NULL,            -- concurrency lane: a remote domain, or '' for local work
    payload TEXT NOT NULL,         -- the kind's own JSON
    dedupe TEXT,                   -- a key that may be queued once per kind (NULL: any number)
    attempts INTEGER NOT NULL DEFAULT 0,
    run_at BIGINT NOT NULL,        -- not before (ms)
    claimed_until BIGINT,          -- leased until (ms); NULL: free
    last_error TEXT,
    failed_at BIGINT,              -- given up (ms); NULL: still to run
    created_at BIGINT NOT NULL
);
CREATE INDEX jobs_due ON jobs (run_at) WHERE failed_at IS NULL;
CREATE UNIQUE INDEX jobs_dedupe ON jobs (kind, dedupe) WHERE dedupe IS NOT NULL;

-- Remote servers that keep failing: after enough failures in a row a
-- server is left alone until unavailable_until (deliveries to it wait
-- without spending attempts); any success forgets its failures.
CREATE TABLE domain_health (
    domain TEXT PRIMARY KEY,
    failures INTEGER NOT NULL DEFAULT 0,
    unavailable_until BIGINT NOT NULL DEFAULT 0,
    last_failure_at BIGINT NOT NULL DEFAULT 0
);
