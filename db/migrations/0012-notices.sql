-- Notices by e-mail: reading reminders (and debt notices) with a one-click unsubscribe.

-- Extra headers of one letter, a JSON object (List-Unsubscribe, List-Unsubscribe-Post); NULL = none.
ALTER TABLE outbox ADD COLUMN headers TEXT;

-- The customer's choices, changed in Настройки or by the letter's unsubscribe link. New
-- registrations get reading reminders on (the registration page says so); users registered
-- before never saw that text, so theirs start off. Debt notices go with e-mail delivery of bills,
-- which every such customer chose already.
ALTER TABLE users ADD COLUMN reading_reminders INTEGER NOT NULL DEFAULT 1 CHECK (reading_reminders IN (0, 1));
ALTER TABLE users ADD COLUMN debt_notices INTEGER NOT NULL DEFAULT 1 CHECK (debt_notices IN (0, 1));
UPDATE users SET reading_reminders = 0;

-- One row per account, period and kind of notice that went to the outbox (its dedupe key is
-- notice:<kind>:<account number>:<period>): however often the job runs, each goes once.
CREATE TABLE notice_mailings (
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  period TEXT NOT NULL CHECK (period GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
  kind TEXT NOT NULL CHECK (kind IN ('reading-opened', 'reading-closing', 'debt')),
  outbox_id INTEGER,
  to_address TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (account_id, period, kind)
) STRICT, WITHOUT ROWID;
