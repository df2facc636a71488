-- Bills: the PDF of a closed period kept so it is served again without Chromium, and the log of
-- bills sent by e-mail, so the mailing job sends each account's period once and resumes after a crash.

-- fingerprint is the SHA-256 of the bill's HTML: a later recalculation or a payment booked to the
-- period changes the bill, and the stale PDF is rendered anew. A rowid table: the rows hold blobs.
CREATE TABLE bill_pdfs (
  id INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  period TEXT NOT NULL CHECK (period GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
  fingerprint TEXT NOT NULL,
  pdf BLOB NOT NULL,
  created_at INTEGER NOT NULL,
  UNIQUE (account_id, period)
) STRICT;

-- One row per account and period whose bill went to the outbox (dedupe key bill:<number>:<period>).
CREATE TABLE bill_mailings (
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  period TEXT NOT NULL,
  outbox_id INTEGER,
  to_address TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (account_id, period)
) STRICT, WITHOUT ROWID;
