DROP TABLE sessions;
DROP TABLE sso_requests;
CREATE TABLE sso_requests (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    state_hash TEXT NOT NULL UNIQUE,
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    -- Accepting an invitation: the hash of its link token (a resend retires it).
    invitation_token_hash TEXT,
    -- Signing in: the member.
    user_id BIGINT REFERENCES users(id) ON DELETE CASCADE,
    -- Hash of a random value kept in a cookie of the browser that started: the callback must
    -- come from that browser (no signing someone in to an account of the attacker's).
    browser_key_hash TEXT NOT NULL,
    nonce TEXT NOT NULL,
    code_verifier TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    CHECK ((invitation_token_hash IS NULL) <> (user_id IS NULL))
);
CREATE INDEX sso_requests_expires ON sso_requests (expires_at);
