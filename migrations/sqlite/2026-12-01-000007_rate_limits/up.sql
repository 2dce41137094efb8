-- Rate-limit windows shared by every instance on PostgreSQL (SQLite runs one process and
-- counts in memory; the table exists there too so both schemas stay the same). The key is a
-- SHA-256 hash: no address or email is stored.
CREATE TABLE rate_limit_windows (
    key_hash TEXT PRIMARY KEY,
    window_start TIMESTAMP NOT NULL,
    count INTEGER NOT NULL
);
CREATE INDEX rate_limit_windows_start ON rate_limit_windows (window_start);
