DROP INDEX events_by_email;
UPDATE events SET target_email_folded = LOWER(target_email) WHERE target_email IS NOT NULL;
CREATE INDEX events_by_email ON events (organization_id, target_email_folded);
