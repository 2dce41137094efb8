-- The activity log: one row per domain event, written in the transaction of the change it
-- records. Not foreign keys: a bulk send writes 100,000 events at once (checked row by row
-- on PostgreSQL), and events outlive the rows they name (a deleted department, a member).
CREATE TABLE events (
    id BIGSERIAL PRIMARY KEY,
    organization_id BIGINT NOT NULL,
    occurred_at TIMESTAMP NOT NULL,
    action TEXT NOT NULL,
    actor_type TEXT NOT NULL CHECK (actor_type IN ('member', 'api_token', 'scim', 'invitee', 'system')),
    actor_id BIGINT,
    actor_name TEXT,
    target_type TEXT,
    target_id BIGINT,
    target_email TEXT,
    -- The address folded to lower case, for the case-insensitive filter.
    target_email_folded TEXT,
    -- The invitation the event belongs to (its timeline), when there is one.
    invitation_id BIGINT,
    import_id BIGINT,
    request_id TEXT,
    -- JSON object; never a link token, a password or a secret.
    details TEXT NOT NULL DEFAULT '{}'
);
-- Three indexes only: a bulk send writes 100,000 events, and each index costs every one of
-- them. The log newest first (and its date filters); one invitation's timeline; one person's
-- events. The other filters (action, actor, import) narrow within the organization's range,
-- and the hourly retention sweep scans by date.
CREATE INDEX events_by_org ON events (organization_id, occurred_at, id);
CREATE INDEX events_by_invitation ON events (invitation_id) WHERE invitation_id IS NOT NULL;
CREATE INDEX events_by_email ON events (organization_id, target_email_folded);
