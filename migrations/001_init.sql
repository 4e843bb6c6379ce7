-- 001_init: tenants and API keys, requests with leases, stage checkpoints,
-- usage events, dead letters, and the polling view analysis_results.
--
-- Applied by `imaginator migrate` inside one transaction, under an advisory
-- lock, and recorded in schema_migrations: no BEGIN/COMMIT in this file.
-- See docs/DATABASE.md for the polling contract.

CREATE TABLE tenants (
    tenant_id   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text NOT NULL UNIQUE CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
    -- spend cap per UTC calendar month, in USD; NULL = no budget
    budget_usd  numeric CHECK (budget_usd >= 0),
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- The plaintext key is never stored: only its SHA-256 and the first 12
-- characters ("img_" + 8), which identify it in listings and revocations.
CREATE TABLE api_keys (
    key_id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id   bigint NOT NULL REFERENCES tenants (tenant_id),
    prefix      text NOT NULL UNIQUE CHECK (length(prefix) = 12),
    key_hash    bytea NOT NULL UNIQUE CHECK (octet_length(key_hash) = 32),
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz
);
CREATE INDEX api_keys_tenant ON api_keys (tenant_id);

-- One row per request_id. A worker owns a request while it holds the lease
-- (lease_owner, lease_expires_at); every claim bumps lease_epoch, and every
-- later write of a worker names its epoch, so a worker that lost the lease is
-- fenced. input is the request as received, without the API key.
CREATE TABLE requests (
    request_id        text PRIMARY KEY CHECK (length(request_id) BETWEEN 1 AND 256),
    tenant_id         bigint REFERENCES tenants (tenant_id),
    payload_sha256    text CHECK (payload_sha256 ~ '^[0-9a-f]{64}$'),
    input             json,
    status            text NOT NULL DEFAULT 'queued'
                      CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'rejected')),
    attempts          integer NOT NULL DEFAULT 0,
    lease_owner       text,
    lease_epoch       bigint NOT NULL DEFAULT 0,
    lease_expires_at  timestamptz,
    topic             text,
    kafka_partition   integer,
    kafka_offset      bigint,
    result            json,
    error_code        text,
    error_message     text,
    received_at       timestamptz NOT NULL DEFAULT now(),
    started_at        timestamptz,
    completed_at      timestamptz,
    updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX requests_tenant_received ON requests (tenant_id, received_at);
CREATE INDEX requests_unfinished ON requests (lease_expires_at)
    WHERE status IN ('queued', 'running');

-- A finished pipeline stage: a redelivered request resumes after it.
CREATE TABLE stage_checkpoints (
    request_id       text NOT NULL REFERENCES requests (request_id) ON DELETE CASCADE,
    stage            text NOT NULL CHECK (stage <> ''),
    output           json NOT NULL,
    provider         text,
    model            text,
    input_tokens     bigint NOT NULL DEFAULT 0,
    output_tokens    bigint NOT NULL DEFAULT 0,
    cached_tokens    bigint NOT NULL DEFAULT 0,
    cost_usd         numeric,              -- NULL = unknown price
    latency_ms       double precision,
    attempts         integer NOT NULL DEFAULT 1,  -- provider attempts for this stage
    request_attempt  integer NOT NULL,            -- requests.attempts when written
    lease_epoch      bigint NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (request_id, stage)
);

-- Every provider attempt, failed ones too (billing and budgets). Kept even
-- when the attempt's checkpoint was fenced: the provider billed it.
CREATE TABLE usage_events (
    event_id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    request_id     text NOT NULL,
    tenant_id      bigint REFERENCES tenants (tenant_id),
    stage          text,
    provider       text NOT NULL,
    model          text,
    http_status    integer NOT NULL,  -- 200 success; 0 transport failure; -1 invalid output
    error          text,
    input_tokens   bigint NOT NULL DEFAULT 0,
    output_tokens  bigint NOT NULL DEFAULT 0,
    cached_tokens  bigint NOT NULL DEFAULT 0,
    cost_usd       numeric,           -- NULL = unknown price
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX usage_events_tenant_month ON usage_events (tenant_id, created_at) INCLUDE (cost_usd);
CREATE INDEX usage_events_request ON usage_events (request_id);

-- Poison messages: where they were, why, and their first bytes (key-shaped
-- tokens masked).
CREATE TABLE dead_letters (
    dead_letter_id   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    topic            text NOT NULL,
    kafka_partition  integer NOT NULL,
    kafka_offset     bigint NOT NULL,
    reason_code      text NOT NULL,
    reason           text,
    value_head       bytea NOT NULL,
    value_size       bigint NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (topic, kafka_partition, kafka_offset)
);

-- The polling contract (docs/DATABASE.md): one row per request.
CREATE VIEW analysis_results AS
SELECT r.request_id,
       t.name AS tenant,
       r.status,
       r.result,
       CASE WHEN r.error_code IS NULL THEN NULL
            ELSE json_build_object('code', r.error_code, 'message', r.error_message)
       END AS error,
       r.received_at,
       r.completed_at
  FROM requests r
  LEFT JOIN tenants t ON t.tenant_id = r.tenant_id;
