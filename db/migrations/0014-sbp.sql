-- Paying by СБП (the Faster Payments System) on the same acquiring order as a card.

-- How an order at the acquirer is paid; channel stays 'card' (= through the acquirer) so exports
-- and the CHECK of 0001 keep their meaning. The dynamic QR code the bank gave for an sbp order.
ALTER TABLE payments ADD COLUMN method TEXT NOT NULL DEFAULT 'card' CHECK (method IN ('card', 'sbp'));
ALTER TABLE payments ADD COLUMN qr_id TEXT;
ALTER TABLE payments ADD COLUMN qr_payload TEXT;
ALTER TABLE payments ADD COLUMN qr_expires_at INTEGER;

-- The sandbox bank's dynamic QR codes: one per order, as the real gateway gives.
ALTER TABLE sandbox_bank_orders ADD COLUMN qr_id TEXT;
ALTER TABLE sandbox_bank_orders ADD COLUMN qr_payload TEXT;
CREATE UNIQUE INDEX sandbox_bank_orders_by_qr ON sandbox_bank_orders(qr_id) WHERE qr_id IS NOT NULL;
