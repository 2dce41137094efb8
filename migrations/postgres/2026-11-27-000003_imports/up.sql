-- A CSV upload (or batch API call) as previewed, and what its send created.
CREATE TABLE invitation_imports (
    id BIGSERIAL PRIMARY KEY,
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    created_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    source TEXT NOT NULL CHECK (source IN ('csv', 'api')),
    filename TEXT,
    -- The header cells as written in the file, as a JSON array (for the error report).
    header TEXT NOT NULL,
    total INTEGER NOT NULL,
    valid INTEGER NOT NULL,
    invalid INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('previewed', 'sent')),
    skip_invalid BOOLEAN,
    created_count INTEGER,
    skipped_count INTEGER,
    idempotency_key TEXT,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);
CREATE INDEX invitation_imports_organization ON invitation_imports (organization_id, id);
CREATE UNIQUE INDEX invitation_imports_idempotency ON invitation_imports (organization_id, idempotency_key)
    WHERE idempotency_key IS NOT NULL;

CREATE TABLE invitation_import_rows (
    import_id BIGINT NOT NULL REFERENCES invitation_imports(id) ON DELETE CASCADE,
    line BIGINT NOT NULL,
    email TEXT NOT NULL,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    role TEXT NOT NULL,
    department TEXT NOT NULL,
    group_name TEXT NOT NULL,
    valid BOOLEAN NOT NULL,
    -- The row's errors as a JSON array; '[]' when valid.
    errors TEXT NOT NULL,
    PRIMARY KEY (import_id, line)
);

-- Not a foreign key: checked once per bulk-written row, for an audit reference.
ALTER TABLE invitations ADD COLUMN import_id BIGINT;
