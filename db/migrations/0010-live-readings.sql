-- The submissions of a period that still count (accepted, or waiting for an operator): a new
-- submission marks these replaced. Through this index the update touches only them, not every
-- submission the period ever had (each replaced one stays as history).
CREATE INDEX readings_live_by_period ON readings(account_id, period, seq) WHERE status IN ('accepted', 'review');
