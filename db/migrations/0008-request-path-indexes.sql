-- Indexes so that what a page or a POST asks is answered by a seek, not by reading an account's
-- whole history or a whole table (test/ops/query-plans.test.ts checks every db/ function's plan).
-- Only indexes: no row changes, and SQLite fills each one from the existing rows as it is created.

-- A submission by its number: the next number (max(seq) is the last entry of the account's range),
-- one submission's zones in order, and an operator's decision on it. The readings key starts with
-- the period, so without this each of them read every reading the account ever had.
CREATE INDEX readings_by_seq ON readings(account_id, seq, zone);

-- The last accepted reading of a meter's zone before a period: the newest entry of
-- (account, meter, zone) whose period is earlier. Accepted rows of later periods come first in
-- that order and are stepped over, but there are few: each period keeps at most one accepted
-- submission (a newer one replaces it), and periods later than the one asked about are at most
-- the next one or two.
CREATE INDEX readings_last_accepted ON readings(account_id, meter_id, zone, seq) WHERE status = 'accepted';

-- The e-mail uniqueness check compares case-insensitively.
CREATE INDEX users_by_email ON users(lower(email));

-- Deleting a user or a trusted device cascades to these; without an index on the referencing
-- column each delete read the whole table.
CREATE INDEX passkeys_by_user ON passkeys(user_id);
CREATE INDEX webauthn_challenges_by_user ON webauthn_challenges(user_id);
CREATE INDEX webauthn_challenges_by_device ON webauthn_challenges(device_id);

-- Issuing an API token drops the expired ones first.
CREATE INDEX api_tokens_by_expiry ON api_tokens(expires_at);

-- История starts at the account's earliest trace; the ledger's key orders it by seq, not by time
-- (an imported payment can be booked after entries later than it), so min(at) needs its own order.
CREATE INDEX ledger_by_time ON ledger(account_id, at);
