ALTER TABLE organizations DROP COLUMN scim_provisioning;
DROP TABLE scim_tokens;
