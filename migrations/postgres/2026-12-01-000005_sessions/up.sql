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
