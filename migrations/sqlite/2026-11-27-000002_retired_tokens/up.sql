-- Hashes of links replaced by a resend, so an old link answers "replaced" (410), not "unknown".
CREATE TABLE invitation_retired_tokens (
    token_hash TEXT PRIMARY KEY,
    invitation_id BIGINT NOT NULL REFERENCES invitations(id) ON DELETE CASCADE,
    retired_at TIMESTAMP NOT NULL
);
CREATE INDEX invitation_retired_tokens_invitation ON invitation_retired_tokens (invitation_id);
