ALTER TABLE organizations DROP COLUMN time_zone;
ALTER TABLE organizations DROP COLUMN seat_limit;
ALTER TABLE organizations DROP COLUMN expired_link;
ALTER TABLE organizations DROP COLUMN resend_grace_hours;
ALTER TABLE organizations DROP COLUMN reminder_before_expiry_days;
ALTER TABLE organizations DROP COLUMN reminder_after_days;
ALTER TABLE organizations DROP COLUMN reminders_enabled;
