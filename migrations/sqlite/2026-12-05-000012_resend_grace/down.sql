ALTER TABLE invitation_retired_tokens DROP COLUMN usable_until;
