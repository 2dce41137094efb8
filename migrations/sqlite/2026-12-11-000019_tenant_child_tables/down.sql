ALTER TABLE scim_group_invitees DROP COLUMN organization_id;
ALTER TABLE invitation_retired_tokens DROP COLUMN organization_id;
ALTER TABLE invitation_courses DROP COLUMN organization_id;
ALTER TABLE enrollments DROP COLUMN organization_id;
ALTER TABLE invitation_import_rows DROP COLUMN organization_id;
