-- Every tenant-owned table carries organization_id, child tables too (DESIGN-2): a second line
-- of defence for tenancy, and the key a distributed PostgreSQL would shard by. These five
-- reached their organization only through a parent; each now has it, copied from that parent.
ALTER TABLE invitation_import_rows ADD COLUMN organization_id BIGINT;
UPDATE invitation_import_rows r SET organization_id = i.organization_id
    FROM invitation_imports i WHERE i.id = r.import_id;
ALTER TABLE invitation_import_rows ALTER COLUMN organization_id SET NOT NULL;

ALTER TABLE enrollments ADD COLUMN organization_id BIGINT;
UPDATE enrollments e SET organization_id = u.organization_id FROM users u WHERE u.id = e.user_id;
ALTER TABLE enrollments ALTER COLUMN organization_id SET NOT NULL;

ALTER TABLE invitation_courses ADD COLUMN organization_id BIGINT;
UPDATE invitation_courses c SET organization_id = i.organization_id
    FROM invitations i WHERE i.id = c.invitation_id;
ALTER TABLE invitation_courses ALTER COLUMN organization_id SET NOT NULL;

ALTER TABLE invitation_retired_tokens ADD COLUMN organization_id BIGINT;
UPDATE invitation_retired_tokens t SET organization_id = i.organization_id
    FROM invitations i WHERE i.id = t.invitation_id;
ALTER TABLE invitation_retired_tokens ALTER COLUMN organization_id SET NOT NULL;

ALTER TABLE scim_group_invitees ADD COLUMN organization_id BIGINT;
UPDATE scim_group_invitees s SET organization_id = g.organization_id
    FROM user_groups g WHERE g.id = s.group_id;
ALTER TABLE scim_group_invitees ALTER COLUMN organization_id SET NOT NULL;
