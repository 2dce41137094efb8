-- The member lifecycle: a member is `active` or `deactivated` (kept, with their history, but
-- unable to sign in), and may belong to several user groups. `users` is rebuilt (see
-- metadata.toml) with the new status check, without `group_id`, with `deactivated_at`.
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;

CREATE TABLE member_groups (
    organization_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    group_id BIGINT NOT NULL REFERENCES user_groups(id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, group_id)
);
CREATE INDEX member_groups_by_group ON member_groups (group_id);
INSERT INTO member_groups (organization_id, user_id, group_id)
    SELECT organization_id, id, group_id FROM users WHERE group_id IS NOT NULL;

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
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'deactivated')),
    created_at TIMESTAMP NOT NULL,
    sso_subject TEXT,
    deactivated_at TIMESTAMP,
    UNIQUE (organization_id, email_folded)
);
INSERT INTO users_rebuilt (id, organization_id, email, email_folded, password_hash, first_name,
        last_name, role, department_id, status, created_at, sso_subject, deactivated_at)
    SELECT id, organization_id, email, email_folded, password_hash, first_name, last_name, role,
        department_id, CASE status WHEN 'suspended' THEN 'deactivated' ELSE status END,
        created_at, sso_subject, NULL
    FROM users;
DROP TABLE users;
ALTER TABLE users_rebuilt RENAME TO users;
CREATE INDEX users_email_folded ON users (email_folded);
CREATE UNIQUE INDEX users_sso_subject ON users (organization_id, sso_subject);

COMMIT;
PRAGMA foreign_keys = ON;
