ALTER TABLE users ADD COLUMN group_id BIGINT REFERENCES user_groups(id) ON DELETE SET NULL;
UPDATE users SET group_id = (SELECT min(group_id) FROM member_groups WHERE member_groups.user_id = users.id);
DROP TABLE member_groups;
ALTER TABLE users DROP COLUMN deactivated_at;
ALTER TABLE users DROP CONSTRAINT users_status_check;
UPDATE users SET status = 'suspended' WHERE status = 'deactivated';
ALTER TABLE users ADD CONSTRAINT users_status_check CHECK (status IN ('active', 'suspended'));
