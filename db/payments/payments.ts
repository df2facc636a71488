// SQL of payments by card or СБП: the order rows, their status, and the ledger lines that credit them.
import type { Db } from '../connection.ts';
import { prepared } from '../prepared.ts';

export type PaymentStatus = 'created' | 'pending' | 'paid' | 'declined' | 'reversed' | 'refunded';

export type PaymentRow = {
  id: number;
  account_id: number;
  user_id: number | null;
  order_number: string;
  amount_kopecks: number;
  channel: string;
  status: PaymentStatus;
  gateway_order_id: string | null;
  email: string | null;
  masked_pan: string | null;
  created_at: number;
  paid_at: number | null;
  updated_at: number;
  form_token: string | null;
  form_url: string | null;
  period: string | null;
  reading_seq: number | null;
  consent_version: string | null;
  consent_accepted_at: number | null;
  bank_status: number | null;
  error: string | null;
  checked_at: number | null;
  method: 'card' | 'sbp';
  qr_id: string | null;
  qr_payload: string | null;
  qr_expires_at: number | null;
};

const paymentColumns = `id, account_id, user_id, order_number, amount_kopecks, channel, status, gateway_order_id, email, masked_pan,
  created_at, paid_at, updated_at, form_token, form_url, period, reading_seq, consent_version, consent_accepted_at, bank_status, error, checked_at,
  method, qr_id, qr_payload, qr_expires_at`;

export function insertCardPayment(
  db: Db,
  payment: {
    account_id: number;
    user_id: number;
    order_number: string;
    amount_kopecks: number;
    email: string;
    form_token: string;
    period: string;
    consent_version: string;
    created_at: number;
    method: 'card' | 'sbp';
  },
): number {
  const result = prepared(
    db,
    `INSERT INTO payments (account_id, user_id, order_number, amount_kopecks, channel, status, email, created_at, updated_at,
                           form_token, period, consent_version, consent_accepted_at, method)
     VALUES (@account_id, @user_id, @order_number, @amount_kopecks, 'card', 'created', @email, @created_at, @created_at,
             @form_token, @period, @consent_version, @created_at, @method)`,
  ).run(payment);
  return Number(result.lastInsertRowid);
}

export function getPaymentById(db: Db, id: number): PaymentRow | undefined {
  return prepared(db, `SELECT ${paymentColumns} FROM payments WHERE id = ?`).get(id) as PaymentRow | undefined;
}

export function getPaymentByFormToken(db: Db, token: string): PaymentRow | undefined {
  return prepared(db, `SELECT ${paymentColumns} FROM payments WHERE form_token = ?`).get(token) as PaymentRow | undefined;
}

export function getPaymentByGatewayOrder(db: Db, orderId: string): PaymentRow | undefined {
  return prepared(db, `SELECT ${paymentColumns} FROM payments WHERE gateway_order_id = ?`).get(orderId) as PaymentRow | undefined;
}

export function listAccountPayments(db: Db, accountId: number, limit: number): PaymentRow[] {
  return prepared(db, `SELECT ${paymentColumns} FROM payments WHERE account_id = ? ORDER BY created_at DESC, id DESC LIMIT ?`).all(accountId, limit) as PaymentRow[];
}

/** Card orders still waiting for the bank's word, created at or before `before` (unix seconds). */
export function listUnsettledPayments(db: Db, before: number, limit: number): PaymentRow[] {
  return prepared(
    db,
    `SELECT ${paymentColumns} FROM payments
      WHERE status IN ('created', 'pending') AND gateway_order_id IS NOT NULL AND created_at <= ?
      ORDER BY created_at LIMIT ?`,
  ).all(before, limit) as PaymentRow[];
}

export function setPaymentReadingSeq(db: Db, id: number, seq: number): void {
  prepared(db, 'UPDATE payments SET reading_seq = ? WHERE id = ?').run(seq, id);
}

export function markPaymentRegistered(db: Db, id: number, orderId: string, formUrl: string, at: number): void {
  prepared(db, 'UPDATE payments SET gateway_order_id = ?, form_url = ?, updated_at = ? WHERE id = ?').run(orderId, formUrl, at, id);
}

/** The order is registered and has its СБП code: both in one write, so a code is never without its order. */
export function markPaymentRegisteredWithQr(db: Db, id: number, orderId: string, qr: { qrId: string; payload: string; expiresAt: number; testerUrl: string | null }, at: number): void {
  prepared(db, 'UPDATE payments SET gateway_order_id = ?, qr_id = ?, qr_payload = ?, qr_expires_at = ?, form_url = ?, updated_at = ? WHERE id = ?').run(
    orderId,
    qr.qrId,
    qr.payload,
    qr.expiresAt,
    qr.testerUrl,
    at,
    id,
  );
}

/** The bank refused the order (or never answered): it can never be paid, so it ends here. */
export function markPaymentRegistrationFailed(db: Db, id: number, error: string, at: number): void {
  prepared(db, "UPDATE payments SET status = 'declined', error = ?, updated_at = ? WHERE id = ? AND gateway_order_id IS NULL").run(error, at, id);
}

export function updatePaymentStatus(
  db: Db,
  id: number,
  change: { status: PaymentStatus; bank_status: number; masked_pan: string | null; paid_at: number | null; at: number; error?: string | null },
): void {
  prepared(
    db,
    `UPDATE payments SET status = @status, bank_status = @bank_status, masked_pan = coalesce(@masked_pan, masked_pan), error = coalesce(@error, error),
            paid_at = coalesce(paid_at, @paid_at), updated_at = @at, checked_at = @at
      WHERE id = @id`,
  ).run({ id, error: null, ...change });
}

export function markPaymentChecked(db: Db, id: number, at: number): void {
  prepared(db, 'UPDATE payments SET checked_at = ? WHERE id = ?').run(at, id);
}

export function hasLedgerEntryForPayment(db: Db, paymentId: number, kind: 'payment' | 'reversal'): boolean {
  return prepared(db, 'SELECT 1 FROM ledger WHERE payment_id = ? AND kind = ?').get(paymentId, kind) !== undefined;
}

/** Whether a letter with this dedupe key is already in the outbox (sent or not). */
export function hasOutboxLetter(db: Db, dedupeKey: string): boolean {
  return prepared(db, 'SELECT 1 FROM outbox WHERE dedupe_key = ?').get(dedupeKey) !== undefined;
}
