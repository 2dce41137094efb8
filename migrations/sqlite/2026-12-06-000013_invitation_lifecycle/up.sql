-- The invitation's life after the first email: scheduled sends, reminders, renewal requests,
-- and the sealed link kept until the invitation ends (copy link, reminders).
ALTER TABLE invitations ADD COLUMN send_at TIMESTAMP;
ALTER TABLE invitations ADD COLUMN sealed_token TEXT;
ALTER TABLE invitations ADD COLUMN reminders_enabled BOOLEAN NOT NULL DEFAULT 1;
ALTER TABLE invitations ADD COLUMN reminders_sent INTEGER NOT NULL DEFAULT 0;
ALTER TABLE invitations ADD COLUMN last_reminded_at TIMESTAMP;
ALTER TABLE invitations ADD COLUMN next_reminder_at TIMESTAMP;
ALTER TABLE invitations ADD COLUMN renewal_requested_at TIMESTAMP;
-- The scheduler's three questions, each an index range that is empty when nothing is due.
CREATE INDEX invitations_scheduled ON invitations (send_at) WHERE send_at IS NOT NULL;
CREATE INDEX invitations_reminder_due ON invitations (next_reminder_at) WHERE next_reminder_at IS NOT NULL;
CREATE INDEX invitations_pending_expiry ON invitations (expires_at) WHERE status = 'pending';

ALTER TABLE email_outbox ADD COLUMN kind TEXT NOT NULL DEFAULT 'invitation'
    CHECK (kind IN ('invitation', 'reminder', 'renewal_request'));

-- A bulk action's answer kept by its Idempotency-Key, so a retried request changes nothing.
CREATE TABLE idempotency_keys (
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    response TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (organization_id, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
