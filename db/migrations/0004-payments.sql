-- Card payments: what the cabinet keeps about an order beyond 0001's payments table, and the
-- built-in sandbox bank's own orders (it shares the file so a restart forgets nothing).

-- form_token makes the «Оплатить» form idempotent: one order per rendered form.
ALTER TABLE payments ADD COLUMN form_token TEXT;
ALTER TABLE payments ADD COLUMN form_url TEXT;
ALTER TABLE payments ADD COLUMN period TEXT;
ALTER TABLE payments ADD COLUMN reading_seq INTEGER;
ALTER TABLE payments ADD COLUMN consent_version TEXT;
ALTER TABLE payments ADD COLUMN consent_accepted_at INTEGER;
ALTER TABLE payments ADD COLUMN bank_status INTEGER;
ALTER TABLE payments ADD COLUMN error TEXT;
ALTER TABLE payments ADD COLUMN checked_at INTEGER;
CREATE UNIQUE INDEX payments_form_once ON payments(form_token) WHERE form_token IS NOT NULL;
-- What reconciliation scans: card orders still waiting for the bank's word.
CREATE INDEX payments_unsettled ON payments(created_at) WHERE status IN ('created', 'pending') AND gateway_order_id IS NOT NULL;

-- The sandbox bank (RBS protocol). status is the bank's orderStatus 0..6.
CREATE TABLE sandbox_bank_orders (
  order_id TEXT PRIMARY KEY,
  merchant TEXT NOT NULL,
  order_number TEXT NOT NULL,
  amount INTEGER NOT NULL CHECK (amount > 0),
  description TEXT NOT NULL DEFAULT '',
  email TEXT,
  return_url TEXT NOT NULL,
  fail_url TEXT,
  callback_url TEXT,
  status INTEGER NOT NULL CHECK (status BETWEEN 0 AND 6),
  action_code INTEGER NOT NULL DEFAULT 0,
  masked_pan TEXT,
  code_attempts INTEGER NOT NULL DEFAULT 0,
  refunded_amount INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (merchant, order_number)
) STRICT, WITHOUT ROWID;
