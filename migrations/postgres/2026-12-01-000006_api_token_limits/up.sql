-- API tokens may expire, and may be read-only (GET only): an integrator that only reports
-- needs no power to invite.
ALTER TABLE api_tokens ADD COLUMN expires_at TIMESTAMP;
ALTER TABLE api_tokens ADD COLUMN read_only BOOLEAN NOT NULL DEFAULT FALSE;
