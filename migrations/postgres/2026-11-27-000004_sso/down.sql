DROP TABLE sso_requests;
DROP INDEX users_sso_subject;
ALTER TABLE users DROP COLUMN sso_subject;
DROP TABLE sso_providers;
