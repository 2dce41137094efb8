-- SCIM 2.0 provisioning: the bearer tokens identity providers call with (shown once, stored
-- as SHA-256), and what a provisioned user becomes.
CREATE TABLE scim_tokens (
    id BIGSERIAL PRIMARY KEY,
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    token_prefix TEXT NOT NULL,
    created_by BIGINT,
    created_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    revoked_at TIMESTAMP
);
CREATE INDEX scim_tokens_by_org ON scim_tokens (organization_id);

ALTER TABLE organizations ADD COLUMN scim_provisioning TEXT NOT NULL DEFAULT 'invite'
    CHECK (scim_provisioning IN ('invite', 'activate'));
