-- Issue 15, the gaps: retention of the receipt e-mail, and the operators' support queue.

-- The receipt e-mail given at payment is kept only as long as the receipt must be (PAYMENT_EMAIL_KEEP_DAYS);
-- the retention job clears it from the oldest payments first, a chunk at a time, through this index
-- of the payments still holding one (so a chunk is a seek, not a scan of every payment).
CREATE INDEX payments_with_email ON payments(created_at) WHERE email IS NOT NULL;

-- The operators' support queue, newest first a page at a time: one status's requests by id, and
-- «новые и в работе» (the default view) as one partial index, so no page sorts more than it shows.
-- The old (status, updated_at) index served the longest-waiting-first order and goes with it.
CREATE INDEX support_requests_by_status ON support_requests(status, id);
CREATE INDEX support_requests_open ON support_requests(id) WHERE status IN ('new', 'in_progress');
DROP INDEX support_requests_queue;
