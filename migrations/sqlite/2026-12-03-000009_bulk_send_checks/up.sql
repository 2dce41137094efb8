-- An invitation's events find their person through the invitation (the activity log's address
-- filter joins it), so they are not indexed by address a second time: the index holds only the
-- events about someone without an invitation (a member, a sign-in). (On PostgreSQL this
-- migration also drops two foreign keys a bulk send paid for row by row; SQLite's checks cost
-- nothing measurable, and dropping them would mean rebuilding both tables.)
DROP INDEX events_by_email;
UPDATE events SET target_email_folded = NULL WHERE invitation_id IS NOT NULL;
CREATE INDEX events_by_email ON events (organization_id, target_email_folded)
    WHERE target_email_folded IS NOT NULL;
