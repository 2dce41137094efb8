-- A bulk send writes 100,000 invitations, outbox rows and events in one transaction, and
-- PostgreSQL checks a foreign key row by row (about 1 s for the two below on the reference
-- machine). Neither guards anything the application does not: organizations and invitations are
-- never deleted, and every outbox row is written in the transaction of its invitation.
ALTER TABLE email_outbox DROP CONSTRAINT email_outbox_invitation_id_fkey;
ALTER TABLE invitations DROP CONSTRAINT invitations_organization_id_fkey;

-- An invitation's events find their person through the invitation (the activity log's address
-- filter joins it), so they are not indexed by address a second time: the index holds only the
-- events about someone without an invitation (a member, a sign-in).
DROP INDEX events_by_email;
UPDATE events SET target_email_folded = NULL WHERE invitation_id IS NOT NULL;
CREATE INDEX events_by_email ON events (organization_id, target_email_folded)
    WHERE target_email_folded IS NOT NULL;
