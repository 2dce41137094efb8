-- A link replaced by a resend keeps working until then (the organization's resend_grace_hours).
ALTER TABLE invitation_retired_tokens ADD COLUMN usable_until TIMESTAMP;
