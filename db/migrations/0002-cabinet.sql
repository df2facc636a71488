-- The cabinet side: users, their links to accounts, sessions, one-time codes, mail, audit.

CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL UNIQUE REFERENCES accounts(id),
  email TEXT NOT NULL,
  phone TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  activated_at INTEGER,
  password_changed_at INTEGER NOT NULL,
  agreement_version TEXT NOT NULL,
  agreement_accepted_at INTEGER NOT NULL,
  consent_version TEXT NOT NULL,
  consent_accepted_at INTEGER NOT NULL
) STRICT;

-- The link id is what cabinet URLs carry (/a/<link>/...), never the account number.
CREATE TABLE account_links (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  is_primary INTEGER NOT NULL CHECK (is_primary IN (0, 1)),
  created_at INTEGER NOT NULL,
  UNIQUE (user_id, account_id)
) STRICT;
CREATE UNIQUE INDEX account_links_one_primary ON account_links(user_id) WHERE is_primary = 1;
CREATE INDEX account_links_by_account ON account_links(account_id);

-- id is the SHA-256 (hex) of the cookie token; the token itself is never stored.
CREATE TABLE sessions (
  id TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  user_agent TEXT NOT NULL DEFAULT '',
  ip TEXT NOT NULL DEFAULT ''
) STRICT, WITHOUT ROWID;
CREATE INDEX sessions_by_user ON sessions(user_id);

-- Codes and link tokens are stored as SHA-256 hashes only.
CREATE TABLE one_time_codes (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  purpose TEXT NOT NULL CHECK (purpose IN ('activation', 'recovery', 'email_change')),
  code_hash TEXT NOT NULL,
  link_hash TEXT UNIQUE,
  payload TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER
) STRICT;
CREATE INDEX one_time_codes_by_user ON one_time_codes(user_id, purpose);

CREATE TABLE outbox (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  to_address TEXT NOT NULL,
  subject TEXT NOT NULL,
  text_body TEXT NOT NULL,
  html_body TEXT,
  dedupe_key TEXT UNIQUE,
  created_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  last_error TEXT,
  sent_at INTEGER
) STRICT;
CREATE INDEX outbox_pending ON outbox(next_attempt_at) WHERE sent_at IS NULL;

CREATE TABLE outbox_attachments (
  id INTEGER PRIMARY KEY,
  message_id INTEGER NOT NULL REFERENCES outbox(id) ON DELETE CASCADE,
  filename TEXT NOT NULL,
  content_type TEXT NOT NULL,
  content BLOB NOT NULL
) STRICT;
CREATE INDEX outbox_attachments_by_message ON outbox_attachments(message_id);

CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  event TEXT NOT NULL,
  user_id INTEGER,
  account_id INTEGER,
  ip TEXT NOT NULL DEFAULT '',
  detail TEXT
) STRICT;
CREATE INDEX audit_log_by_time ON audit_log(at);
CREATE INDEX audit_log_by_user ON audit_log(user_id, at);
