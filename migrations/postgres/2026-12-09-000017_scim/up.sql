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

-- A person an identity provider provisioned: the SCIM User, whose id stays the same while the
-- person goes from pending invitation to member. The person is found by address in the
-- organization (member or pending invitation); the names are kept for when neither exists
-- (an invitation that lapsed). A deleted one answers 404 until provisioned again.
CREATE TABLE scim_users (
    id BIGSERIAL PRIMARY KEY,
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    email_folded TEXT NOT NULL,
    external_id TEXT,
    display_name TEXT,
    given_name TEXT,
    family_name TEXT,
    department TEXT,
    active BOOLEAN NOT NULL,
    deleted_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (organization_id, email_folded)
);
CREATE INDEX scim_users_by_external_id ON scim_users (organization_id, external_id);

-- Group memberships of provisioned people who have not accepted yet: they join the group's
-- members when they accept.
CREATE TABLE scim_group_invitees (
    group_id BIGINT NOT NULL REFERENCES user_groups(id) ON DELETE CASCADE,
    scim_user_id BIGINT NOT NULL REFERENCES scim_users(id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, scim_user_id)
);
CREATE INDEX scim_group_invitees_by_user ON scim_group_invitees (scim_user_id);

-- Groups an identity provider created (it may delete them), and its id for them.
ALTER TABLE user_groups ADD COLUMN provisioned BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE user_groups ADD COLUMN external_id TEXT;
