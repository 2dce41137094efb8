PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;

CREATE TABLE users_rebuilt (
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
    sso_subject TEXT,
    UNIQUE (organization_id, email_folded)
);
INSERT INTO users_rebuilt (id, organization_id, email, email_folded, password_hash, first_name,
        last_name, role, department_id, group_id, status, created_at, sso_subject)
    SELECT id, organization_id, email, email_folded, password_hash, first_name, last_name, role,
        department_id,
        (SELECT min(group_id) FROM member_groups WHERE member_groups.user_id = users.id),
        CASE status WHEN 'deactivated' THEN 'suspended' ELSE status END, created_at, sso_subject
    FROM users;
DROP TABLE users;
ALTER TABLE users_rebuilt RENAME TO users;
CREATE INDEX users_email_folded ON users (email_folded);
CREATE UNIQUE INDEX users_sso_subject ON users (organization_id, sso_subject);
DROP TABLE member_groups;

COMMIT;
PRAGMA foreign_keys = ON;
