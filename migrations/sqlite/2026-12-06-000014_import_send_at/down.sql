ALTER TABLE invitation_import_rows DROP COLUMN send_at;
