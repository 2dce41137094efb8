-- Every tenant-owned table carries organization_id, child tables too (DESIGN-2): a second line
-- of defence for tenancy, and the key a distributed PostgreSQL would shard by. These five
-- reached their organization only through a parent; each now has it, copied from that parent.
-- SQLite cannot add a NOT NULL column without a default: 0 names no organization, and every
-- writer sets the real one.
ALTER TABLE invitation_import_rows ADD COLUMN organization_id BIGINT NOT NULL DEFAULT 0;
UPDATE invitation_import_rows SET organization_id =
    (SELECT organization_id FROM invitation_imports WHERE id = invitation_import_rows.import_id);

ALTER TABLE enrollments ADD COLUMN organization_id BIGINT NOT NULL DEFAULT 0;
UPDATE enrollments SET organization_id =
    (SELECT organization_id FROM users WHERE id = enrollments.user_id);

ALTER TABLE invitation_courses ADD COLUMN organization_id BIGINT NOT NULL DEFAULT 0;
UPDATE invitation_courses SET organization_id =
    (SELECT organization_id FROM invitations WHERE id = invitation_courses.invitation_id);

ALTER TABLE invitation_retired_tokens ADD COLUMN organization_id BIGINT NOT NULL DEFAULT 0;
UPDATE invitation_retired_tokens SET organization_id =
    (SELECT organization_id FROM invitations WHERE id = invitation_retired_tokens.invitation_id);

ALTER TABLE scim_group_invitees ADD COLUMN organization_id BIGINT NOT NULL DEFAULT 0;
UPDATE scim_group_invitees SET organization_id =
    (SELECT organization_id FROM user_groups WHERE id = scim_group_invitees.group_id);
