-- The receipt e-mail given at payment is kept only as long as the receipt must be (PAYMENT_EMAIL_KEEP_DAYS);
-- the retention job clears it from the oldest payments first, a chunk at a time, through this index
-- of the payments still holding one (so a chunk is a seek, not a scan of every payment).
CREATE INDEX payments_with_email ON payments(created_at) WHERE email IS NOT NULL;
