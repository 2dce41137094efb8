-- Import, second edition: how the file is applied (invite_new, invite_and_update, update_only)
-- and what its send did besides inviting.
ALTER TABLE invitation_imports ADD COLUMN mode TEXT NOT NULL DEFAULT 'invite_new';
ALTER TABLE invitation_imports ADD COLUMN updated_count INTEGER;
ALTER TABLE invitation_imports ADD COLUMN deactivated_count INTEGER;
ALTER TABLE invitation_imports ADD COLUMN reactivated_count INTEGER;
-- A file checked in the background: 'checking' while its rows are read (checked_rows so far),
-- 'failed' with the reason when the file turned out unreadable; NULL once the preview is whole.
ALTER TABLE invitation_imports ADD COLUMN check_state TEXT;
ALTER TABLE invitation_imports ADD COLUMN checked_rows INTEGER NOT NULL DEFAULT 0;
ALTER TABLE invitation_imports ADD COLUMN check_error TEXT;
-- The columns as read: {"file header": "field" | "ignore"} (JSON).
ALTER TABLE invitation_imports ADD COLUMN column_map TEXT;
-- Each row's status cell as given, what it will do, and for updates its changes as JSON
-- ({"field": [old, new]}; empty when none).
ALTER TABLE invitation_import_rows ADD COLUMN status TEXT NOT NULL DEFAULT '';
ALTER TABLE invitation_import_rows ADD COLUMN action TEXT NOT NULL DEFAULT 'invite';
ALTER TABLE invitation_import_rows ADD COLUMN changes TEXT NOT NULL DEFAULT '';
-- Saved column mappings, offered again for a file with the same headers.
CREATE TABLE import_column_maps (
    organization_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    header_key TEXT NOT NULL,
    column_map TEXT NOT NULL,
    updated_by BIGINT,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (organization_id, header_key)
);
-- An import's invitations: the history's email progress and the Invitations list's filter.
CREATE INDEX invitations_import ON invitations (import_id) WHERE import_id IS NOT NULL;
