DROP TABLE scim_group_invitees;
DROP TABLE scim_users;
ALTER TABLE user_groups DROP COLUMN external_id;
ALTER TABLE user_groups DROP COLUMN provisioned;
ALTER TABLE organizations DROP COLUMN scim_provisioning;
DROP TABLE scim_tokens;
