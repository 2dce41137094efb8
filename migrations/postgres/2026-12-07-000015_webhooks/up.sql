-- Webhooks for integrators (Standard Webhooks). An endpoint subscribes to actions of the event
-- catalogue; every event appended for its organization that it subscribes to becomes a message
-- in the same transaction; the webhook worker delivers messages, logging every attempt.
CREATE TABLE webhook_endpoints (
    id BIGSERIAL PRIMARY KEY,
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    url TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    -- JSON array of actions, or ["*"] for every one.
    events TEXT NOT NULL,
    enabled BOOLEAN NOT NULL DEFAULT TRUE,
    -- Why it is disabled: by an admin, by the receiver (410 Gone), or after failing for days.
    disabled_reason TEXT CHECK (disabled_reason IN ('manual', 'gone', 'failing')),
    -- The signing secret (whsec_...), sealed with a key derived from the server secret.
    secret_sealed TEXT NOT NULL,
    -- After a rotation the old secret also signs until it lapses.
    previous_secret_sealed TEXT,
    previous_secret_expires_at TIMESTAMP,
    -- The first failure since the last success: failing for 3 days disables the endpoint.
    failing_since TIMESTAMP,
    last_success_at TIMESTAMP,
    -- Admins are still to be emailed that the endpoint was disabled.
    notify_pending BOOLEAN NOT NULL DEFAULT FALSE,
    created_by BIGINT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX webhook_endpoints_by_org ON webhook_endpoints (organization_id);

-- One message per event and subscribed endpoint; its id gives the webhook-id header, the same
-- on every attempt. The body is built from the event, which never holds a token or a secret.
CREATE TABLE webhook_messages (
    id BIGSERIAL PRIMARY KEY,
    organization_id BIGINT NOT NULL,
    endpoint_id BIGINT NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
    event_id BIGINT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'delivering', 'delivered', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    locked_until TIMESTAMP,
    last_status_code INTEGER,
    last_error TEXT,
    delivered_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
-- The worker's claim (per endpoint, due first) and the idle check; the endpoint's log.
CREATE INDEX webhook_messages_due ON webhook_messages (endpoint_id, status, next_attempt_at);
CREATE INDEX webhook_messages_pending ON webhook_messages (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_messages_leases ON webhook_messages (locked_until) WHERE status = 'delivering';
CREATE INDEX webhook_messages_log ON webhook_messages (endpoint_id, id);

-- Every attempt: what the receiver answered (a short excerpt only) and how long it took.
CREATE TABLE webhook_attempts (
    id BIGSERIAL PRIMARY KEY,
    organization_id BIGINT NOT NULL,
    message_id BIGINT NOT NULL REFERENCES webhook_messages(id) ON DELETE CASCADE,
    attempted_at TIMESTAMP NOT NULL,
    status_code INTEGER,
    latency_ms INTEGER NOT NULL,
    response_excerpt TEXT,
    error TEXT,
    -- Asked for by an admin (redeliver) rather than scheduled.
    manual BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX webhook_attempts_by_message ON webhook_attempts (message_id, id);
