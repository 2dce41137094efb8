DROP INDEX events_by_email;
UPDATE events SET target_email_folded = LOWER(target_email) WHERE target_email IS NOT NULL;
CREATE INDEX events_by_email ON events (organization_id, target_email_folded);
ALTER TABLE invitations ADD CONSTRAINT invitations_organization_id_fkey
    FOREIGN KEY (organization_id) REFERENCES organizations(id) ON DELETE CASCADE;
ALTER TABLE email_outbox ADD CONSTRAINT email_outbox_invitation_id_fkey
    FOREIGN KEY (invitation_id) REFERENCES invitations(id) ON DELETE CASCADE;
