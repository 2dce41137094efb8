-- The invitation lifecycle settings of an organization (defaults: those of DESIGN-2).
ALTER TABLE organizations ADD COLUMN reminders_enabled BOOLEAN NOT NULL DEFAULT TRUE;
-- Days after sending, ascending, comma-separated ("3", "2,5,9"; empty: none).
ALTER TABLE organizations ADD COLUMN reminder_after_days TEXT NOT NULL DEFAULT '3';
ALTER TABLE organizations ADD COLUMN reminder_before_expiry_days INTEGER DEFAULT 1;
ALTER TABLE organizations ADD COLUMN resend_grace_hours INTEGER NOT NULL DEFAULT 24;
ALTER TABLE organizations ADD COLUMN expired_link TEXT NOT NULL DEFAULT 'self_service'
    CHECK (expired_link IN ('self_service', 'ask_admin', 'contact_admin'));
ALTER TABLE organizations ADD COLUMN seat_limit BIGINT;
ALTER TABLE organizations ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'UTC';
