-- The same rows as sqlite.sql, for PostgreSQL (kept in step with it by hand); the random
-- token hashes and sealed links come from md5(random()), which adds a little to the floor.
INSERT INTO invitation_imports (id, organization_id, source, filename, header, total, valid, invalid, status, created_at, expires_at)
VALUES (1, 1, 'csv', 'floor.csv', '[]', 100000, 95000, 5000, 'previewed', '2026-12-02 12:00:00.000000', '2026-12-03 12:00:00.000000');
\timing on
\echo 'upload: the import rows (ROWS), then commit'
BEGIN;
WITH n(i) AS (SELECT generate_series(1, 100000))
INSERT INTO invitation_import_rows (organization_id, import_id, line, email, first_name, last_name, role, department, group_name, valid, errors, send_at, status, action, changes)
SELECT 1, 1, i + 1, 'employee.number' || i || '@bigcorp.example.com', 'Firstname' || i, 'Lastname ' || i, 'learner', 'Sales', 'Managers', true, '[]', '', '', 'invite', '' FROM n;
COMMIT;
\echo 'send: the invitations (95 % of ROWS), their outbox rows, their events, then commit'
BEGIN;
WITH n(i) AS (SELECT generate_series(1, 95000))
INSERT INTO invitations (organization_id, email, email_folded, role, department_id, group_id, first_name, last_name, token_hash, status, expires_at, invited_by, sent_at, send_count, created_at, updated_at, import_id, send_at, sealed_token, next_reminder_at)
SELECT 1, 'employee.number' || i || '@bigcorp.example.com', 'employee.number' || i || '@bigcorp.example.com', 'learner', 1, 1, 'Firstname' || i, 'Lastname ' || i, md5(random()::text) || md5(random()::text), 'pending', '2026-12-09 12:00:00.000000', 1, '2026-12-02 12:00:00.000000', 1, '2026-12-02 12:00:00.000000', '2026-12-02 12:00:00.000000', 1, NULL, 'v1.' || md5(random()::text) || md5(random()::text) || md5(random()::text) || md5(random()::text), '2026-12-05 12:00:00.000000' FROM n;
INSERT INTO email_outbox (organization_id, invitation_id, recipient, sealed_token, status, attempts, next_attempt_at, created_at, updated_at, kind)
SELECT organization_id, id, email, sealed_token, 'queued', 0, created_at, created_at, created_at, 'invitation' FROM invitations WHERE import_id = 1;
INSERT INTO events (organization_id, occurred_at, action, actor_type, actor_id, actor_name, target_type, target_id, target_email, target_email_folded, invitation_id, import_id, details)
SELECT organization_id, created_at, 'invitation.created', 'member', 1, 'Admin', 'invitation', id, email, NULL, id, 1, '{"role":"learner"}' FROM invitations WHERE import_id = 1;
COMMIT;
