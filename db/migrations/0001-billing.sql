-- The billing side: accounts, meters, tariffs, readings, charges, the money ledger and payments.
-- Money is integer kopecks, energy integer kWh, times unix seconds, periods 'YYYY-MM'.
-- An account's history rows are stored together: WITHOUT ROWID tables keyed by account first.

CREATE TABLE accounts (
  id INTEGER PRIMARY KEY,
  number TEXT NOT NULL UNIQUE CHECK (length(number) = 9 AND number NOT GLOB '*[^0-9]*'),
  holder TEXT NOT NULL,
  address TEXT NOT NULL,
  category TEXT NOT NULL CHECK (category IN ('urban_gas', 'urban_electric', 'rural')),
  norm_kwh INTEGER NOT NULL CHECK (norm_kwh >= 0),
  balance_kopecks INTEGER NOT NULL DEFAULT 0,
  email_delivery INTEGER NOT NULL DEFAULT 0 CHECK (email_delivery IN (0, 1)),
  paper_refused_at INTEGER,
  created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE meters (
  id INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  model TEXT NOT NULL,
  serial TEXT NOT NULL,
  zones INTEGER NOT NULL CHECK (zones IN (1, 2, 3)),
  digits INTEGER NOT NULL CHECK (digits BETWEEN 4 AND 9),
  installed_on TEXT NOT NULL,
  verified_until TEXT NOT NULL,
  removed_on TEXT
) STRICT;
CREATE UNIQUE INDEX meters_active_by_account ON meters(account_id) WHERE removed_on IS NULL;
CREATE INDEX meters_by_account ON meters(account_id);

-- One row per published price: category x zone plan x zone x volume band x validity.
-- band_from_kwh is exclusive (0 for the first band); band_to_kwh inclusive, NULL = no limit.
CREATE TABLE tariffs (
  id INTEGER PRIMARY KEY,
  category TEXT NOT NULL CHECK (category IN ('urban_gas', 'urban_electric', 'rural')),
  zones INTEGER NOT NULL CHECK (zones IN (1, 2, 3)),
  zone INTEGER NOT NULL CHECK (zone BETWEEN 1 AND zones),
  band_from_kwh INTEGER NOT NULL DEFAULT 0,
  band_to_kwh INTEGER CHECK (band_to_kwh IS NULL OR band_to_kwh > band_from_kwh),
  valid_from TEXT NOT NULL,
  valid_to TEXT CHECK (valid_to IS NULL OR valid_to > valid_from),
  kopecks_per_kwh INTEGER NOT NULL CHECK (kopecks_per_kwh > 0),
  UNIQUE (category, zones, zone, band_from_kwh, valid_from)
) STRICT;

-- seq numbers an account's submissions; the zones of one submission share it.
CREATE TABLE readings (
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  period TEXT NOT NULL,
  seq INTEGER NOT NULL,
  zone INTEGER NOT NULL CHECK (zone BETWEEN 1 AND 3),
  meter_id INTEGER NOT NULL REFERENCES meters(id),
  value INTEGER NOT NULL CHECK (value >= 0),
  submitted_at INTEGER NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('customer', 'operator', 'billing')),
  status TEXT NOT NULL CHECK (status IN ('accepted', 'review', 'rejected', 'replaced')),
  reason TEXT,
  early INTEGER NOT NULL DEFAULT 0 CHECK (early IN (0, 1)),
  rollover INTEGER NOT NULL DEFAULT 0 CHECK (rollover IN (0, 1)),
  user_id INTEGER,
  PRIMARY KEY (account_id, period, seq, zone)
) STRICT, WITHOUT ROWID;
CREATE INDEX readings_for_review ON readings(status, submitted_at) WHERE status IN ('review', 'rejected');

CREATE TABLE charges (
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  period TEXT NOT NULL,
  basis TEXT NOT NULL CHECK (basis IN ('readings', 'average', 'norm')),
  kwh INTEGER NOT NULL CHECK (kwh >= 0),
  amount_kopecks INTEGER NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('computed', 'imported')),
  due_on TEXT NOT NULL,
  closed_at INTEGER NOT NULL,
  PRIMARY KEY (account_id, period)
) STRICT, WITHOUT ROWID;

-- band is the 1-based volume band the kWh fell in.
CREATE TABLE charge_lines (
  account_id INTEGER NOT NULL,
  period TEXT NOT NULL,
  zone INTEGER NOT NULL CHECK (zone BETWEEN 1 AND 3),
  band INTEGER NOT NULL CHECK (band >= 1),
  kwh INTEGER NOT NULL CHECK (kwh >= 0),
  kopecks_per_kwh INTEGER NOT NULL,
  amount_kopecks INTEGER NOT NULL,
  PRIMARY KEY (account_id, period, zone, band),
  FOREIGN KEY (account_id, period) REFERENCES charges(account_id, period)
) STRICT, WITHOUT ROWID;

CREATE TABLE payments (
  id INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  user_id INTEGER,
  order_number TEXT NOT NULL UNIQUE,
  amount_kopecks INTEGER NOT NULL CHECK (amount_kopecks > 0),
  channel TEXT NOT NULL CHECK (channel IN ('card', 'bank', 'post', 'office')),
  status TEXT NOT NULL CHECK (status IN ('created', 'pending', 'paid', 'declined', 'reversed', 'refunded')),
  gateway_order_id TEXT UNIQUE,
  email TEXT,
  masked_pan TEXT,
  created_at INTEGER NOT NULL,
  paid_at INTEGER,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX payments_by_account ON payments(account_id, created_at);

-- The money: the balance is the sum of amount_kopecks (positive = the customer owes).
-- accounts.balance_kopecks caches it and changes in the same transaction as each entry.
CREATE TABLE ledger (
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  seq INTEGER NOT NULL,
  at INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('opening', 'charge', 'payment', 'recalculation', 'reversal')),
  period TEXT,
  amount_kopecks INTEGER NOT NULL,
  payment_id INTEGER REFERENCES payments(id),
  note TEXT,
  PRIMARY KEY (account_id, seq)
) STRICT, WITHOUT ROWID;
CREATE UNIQUE INDEX ledger_payment_once ON ledger(payment_id, kind) WHERE payment_id IS NOT NULL;
CREATE UNIQUE INDEX ledger_charge_once ON ledger(account_id, period) WHERE kind = 'charge';
