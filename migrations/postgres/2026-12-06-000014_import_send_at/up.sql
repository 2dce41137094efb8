-- A row's send_at cell as given (empty: send at once), re-checked when the import is sent.
ALTER TABLE invitation_import_rows ADD COLUMN send_at TEXT NOT NULL DEFAULT '';
