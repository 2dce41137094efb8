-- Timestamps are UTC, stored without zone (one portable schema with SQLite).

CREATE TABLE organizations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    invitation_ttl_days INTEGER NOT NULL DEFAULT 7 CHECK (invitation_ttl_days BETWEEN 1 AND 365),
    sso_enforced BOOLEAN NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE departments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (organization_id, name)
);

CREATE TABLE user_groups (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (organization_id, name)
);

CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    email_folded TEXT NOT NULL,
    password_hash TEXT,
    first_name TEXT,
    last_name TEXT,
    role TEXT NOT NULL CHECK (role IN ('learner', 'instructor', 'admin')),
    department_id BIGINT REFERENCES departments(id) ON DELETE SET NULL,
    group_id BIGINT REFERENCES user_groups(id) ON DELETE SET NULL,
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
    created_at TIMESTAMP NOT NULL,
    UNIQUE (organization_id, email_folded)
);
CREATE INDEX users_email_folded ON users (email_folded);

CREATE TABLE courses (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    description TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX courses_organization ON courses (organization_id);

CREATE TABLE enrollments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    course_id BIGINT NOT NULL REFERENCES courses(id) ON DELETE CASCADE,
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'completed', 'withdrawn')),
    created_at TIMESTAMP NOT NULL,
    UNIQUE (user_id, course_id)
);

CREATE TABLE invitations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    email_folded TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('learner', 'instructor', 'admin')),
    -- Not foreign keys: a bulk send writes up to 100,000 invitations at once and PostgreSQL
    -- checks a foreign key row by row. Deleting a department or group clears these columns in
    -- the same transaction (routes/catalog.rs).
    department_id BIGINT,
    group_id BIGINT,
    first_name TEXT,
    last_name TEXT,
    token_hash TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'cancelled', 'expired')),
    expires_at TIMESTAMP NOT NULL,
    -- Who sent it. Not a foreign key: bulk sends write 100,000 rows at once and this audit
    -- reference would cost a check per row; the views tolerate a removed inviter.
    invited_by BIGINT,
    sent_at TIMESTAMP NOT NULL,
    send_count INTEGER NOT NULL DEFAULT 1,
    accepted_at TIMESTAMP,
    accepted_user_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
    cancelled_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
-- At most one pending invitation per organization and address, whatever its letter case.
CREATE UNIQUE INDEX invitations_one_pending_per_email
    ON invitations (organization_id, email_folded) WHERE status = 'pending';
CREATE INDEX invitations_by_org_created ON invitations (organization_id, created_at, id);

CREATE TABLE invitation_courses (
    invitation_id BIGINT NOT NULL REFERENCES invitations(id) ON DELETE CASCADE,
    course_id BIGINT NOT NULL REFERENCES courses(id) ON DELETE CASCADE,
    PRIMARY KEY (invitation_id, course_id)
);

-- One row per email to send, written in the transaction that creates or resends an invitation.
CREATE TABLE email_outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    -- The invitation's organization (for per-tenant queries); the invitation's foreign key
    -- already ties the row to it, so no second check per bulk-written row.
    organization_id BIGINT NOT NULL,
    invitation_id BIGINT NOT NULL REFERENCES invitations(id) ON DELETE CASCADE,
    recipient TEXT NOT NULL,
    -- The link's token, sealed with a key derived from the server secret; wiped once sent.
    sealed_token TEXT,
    status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'superseded')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    locked_until TIMESTAMP,
    last_error TEXT,
    sent_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX email_outbox_due ON email_outbox (status, next_attempt_at);
CREATE INDEX email_outbox_invitation ON email_outbox (invitation_id, id);

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    token_prefix TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    revoked_at TIMESTAMP
);
CREATE INDEX api_tokens_organization ON api_tokens (organization_id);
