DROP TABLE import_column_maps;
ALTER TABLE invitation_import_rows DROP COLUMN changes;
ALTER TABLE invitation_import_rows DROP COLUMN action;
ALTER TABLE invitation_import_rows DROP COLUMN status;
ALTER TABLE invitation_imports DROP COLUMN column_map;
ALTER TABLE invitation_imports DROP COLUMN reactivated_count;
ALTER TABLE invitation_imports DROP COLUMN deactivated_count;
ALTER TABLE invitation_imports DROP COLUMN updated_count;
ALTER TABLE invitation_imports DROP COLUMN mode;
