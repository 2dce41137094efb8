ALTER TABLE invitations DROP COLUMN import_id;
DROP TABLE invitation_import_rows;
DROP TABLE invitation_imports;
