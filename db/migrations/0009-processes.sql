-- What several processes on this one file must share: the throttle counters (so a limit holds
-- across workers and restarts) and the lease that lets exactly one process run the background jobs.
CREATE TABLE throttle_hits (
  key TEXT NOT NULL,
  at_ms INTEGER NOT NULL
);
CREATE INDEX throttle_hits_by_key ON throttle_hits (key, at_ms);

CREATE TABLE leases (
  name TEXT PRIMARY KEY,
  holder TEXT NOT NULL,
  expires_at_ms INTEGER NOT NULL
) WITHOUT ROWID;
