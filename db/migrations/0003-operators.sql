-- Operators of the retailer: their own accounts, a second factor (TOTP) and their own sessions.

CREATE TABLE operators (
  id INTEGER PRIMARY KEY,
  login TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  totp_key BLOB NOT NULL,
  totp_last_counter INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  disabled_at INTEGER
) STRICT;

CREATE TABLE operator_sessions (
  id TEXT PRIMARY KEY,
  operator_id INTEGER NOT NULL REFERENCES operators(id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  ip TEXT NOT NULL DEFAULT ''
) STRICT, WITHOUT ROWID;
CREATE INDEX operator_sessions_by_operator ON operator_sessions(operator_id);

ALTER TABLE audit_log ADD COLUMN operator_id INTEGER;
CREATE INDEX audit_log_by_operator ON audit_log(operator_id, at) WHERE operator_id IS NOT NULL;
