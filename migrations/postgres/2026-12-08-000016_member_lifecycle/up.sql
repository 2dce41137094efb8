-- The member lifecycle: a member is `active` or `deactivated` (kept, with their history, but
-- unable to sign in), and may belong to several user groups.
ALTER TABLE users DROP CONSTRAINT users_status_check;
UPDATE users SET status = 'deactivated' WHERE status = 'suspended';
ALTER TABLE users ADD CONSTRAINT users_status_check CHECK (status IN ('active', 'deactivated'));
ALTER TABLE users ADD COLUMN deactivated_at TIMESTAMP;

CREATE TABLE member_groups (
    organization_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    group_id BIGINT NOT NULL REFERENCES user_groups(id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, group_id)
);
CREATE INDEX member_groups_by_group ON member_groups (group_id);
INSERT INTO member_groups (organization_id, user_id, group_id)
    SELECT organization_id, id, group_id FROM users WHERE group_id IS NOT NULL;
ALTER TABLE users DROP COLUMN group_id;
