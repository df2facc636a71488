-- Readings without logging in: a visitor who gave an account number and its meter's serial may
-- pass one submission for that meter for a short while. The cookie carries a random token; this
-- row, found by the token's hash, names the account and the meter, so the readings' POST never
-- trusts an account id from the form. used_seq is the submission it was spent on (then only its
-- result page is shown).
CREATE TABLE reading_grants (
  token_hash TEXT PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  meter_id INTEGER NOT NULL REFERENCES meters(id),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_seq INTEGER
) STRICT, WITHOUT ROWID;
CREATE INDEX reading_grants_by_expiry ON reading_grants (expires_at);
