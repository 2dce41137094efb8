-- Single sign-on with OpenID Connect: an organization's identity provider, the subject each
-- member signed in as, and the sign-ins under way (state, nonce and PKCE verifier).

CREATE TABLE sso_providers (
    organization_id BIGINT PRIMARY KEY REFERENCES organizations(id) ON DELETE CASCADE,
    issuer TEXT NOT NULL,
    client_id TEXT NOT NULL,
    -- Sealed with a key derived from the server secret: a database dump alone does not
    -- reveal it. Never returned by the API.
    client_secret_sealed TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

ALTER TABLE users ADD COLUMN sso_subject TEXT;
CREATE UNIQUE INDEX users_sso_subject ON users (organization_id, sso_subject);

-- One row per redirect to the identity provider; the callback deletes it, so a state works once.
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
