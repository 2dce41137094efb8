-- Sessions a server can end: a signed-in session's token names its row (by the hash of a
-- random id), and the row is checked on every request. Sign-out, "sign out everywhere", a
-- password reset and single sign-on enforcement revoke rows; the token then stops working.

CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    -- How the member proved who they are: enforcement of single sign-on ends password sessions.
    method TEXT NOT NULL CHECK (method IN ('password', 'sso')),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

-- Signing in from the sign-in page now names the organization only (the member is found once
-- the provider says who signed in), so a sign-in request may have neither an invitation nor a
-- member. The requests are short-lived: the table is made anew.
DROP TABLE sso_requests;
CREATE TABLE sso_requests (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    state_hash TEXT NOT NULL UNIQUE,
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    -- Accepting an invitation: the hash of its link token (a resend retires it).
    invitation_token_hash TEXT,
    -- Signing in (requests made before sessions were revocable): the member.
    user_id BIGINT REFERENCES users(id) ON DELETE CASCADE,
    -- Hash of a random value kept in a cookie of the browser that started: the callback must
    -- come from that browser (no signing someone in to an account of the attacker's).
    browser_key_hash TEXT NOT NULL,
    nonce TEXT NOT NULL,
    code_verifier TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    CHECK (invitation_token_hash IS NULL OR user_id IS NULL)
);
CREATE INDEX sso_requests_expires ON sso_requests (expires_at);
