-- An archived course stays on the invitations and dashboards that have it, and can no longer
-- be pre-assigned.
ALTER TABLE courses ADD COLUMN archived_at TIMESTAMP;
