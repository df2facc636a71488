// SQL of the built-in sandbox bank: its orders, kept in the app's file so a restart forgets nothing.
import type { Db } from '../connection.ts';
import { prepared } from '../prepared.ts';

export type SandboxOrderRow = {
  order_id: string;
  merchant: string;
  order_number: string;
  amount: number;
  description: string;
  email: string | null;
  return_url: string;
  fail_url: string | null;
  callback_url: string | null;
  status: number;
  action_code: number;
  masked_pan: string | null;
  code_attempts: number;
  refunded_amount: number;
  created_at: number;
  expires_at: number;
  updated_at: number;
  qr_id: string | null;
  qr_payload: string | null;
};

const columns = `order_id, merchant, order_number, amount, description, email, return_url, fail_url, callback_url, status,
  action_code, masked_pan, code_attempts, refunded_amount, created_at, expires_at, updated_at, qr_id, qr_payload`;

export function insertSandboxOrder(db: Db, order: Omit<SandboxOrderRow, 'status' | 'action_code' | 'masked_pan' | 'code_attempts' | 'refunded_amount' | 'qr_id' | 'qr_payload'>): boolean {
  const result = prepared(
    db,
    `INSERT INTO sandbox_bank_orders (order_id, merchant, order_number, amount, description, email, return_url, fail_url, callback_url,
                                      status, created_at, expires_at, updated_at)
     VALUES (@order_id, @merchant, @order_number, @amount, @description, @email, @return_url, @fail_url, @callback_url,
             0, @created_at, @expires_at, @updated_at)
     ON CONFLICT (merchant, order_number) DO NOTHING`,
  ).run(order);
  return result.changes === 1;
}

export function getSandboxOrder(db: Db, orderId: string): SandboxOrderRow | undefined {
  return prepared(db, `SELECT ${columns} FROM sandbox_bank_orders WHERE order_id = ?`).get(orderId) as SandboxOrderRow | undefined;
}

/** Moves an order from one of `from` to `status`; false when it was no longer in one of them. */
export function moveSandboxOrder(
  db: Db,
  orderId: string,
  from: number[],
  change: { status: number; action_code?: number; masked_pan?: string | null; refunded_amount?: number; at: number },
): boolean {
  const result = prepared(
    db,
    `UPDATE sandbox_bank_orders
        SET status = @status, action_code = coalesce(@action_code, action_code), masked_pan = coalesce(@masked_pan, masked_pan),
            refunded_amount = coalesce(@refunded_amount, refunded_amount), updated_at = @at
      WHERE order_id = @order_id AND status IN (SELECT value FROM json_each(@from))`,
  ).run({ order_id: orderId, from: JSON.stringify(from), action_code: null, masked_pan: null, refunded_amount: null, ...change });
  return result.changes === 1;
}

export function countSandboxCodeAttempt(db: Db, orderId: string): number {
  prepared(db, 'UPDATE sandbox_bank_orders SET code_attempts = code_attempts + 1 WHERE order_id = ?').run(orderId);
  return (prepared(db, 'SELECT code_attempts FROM sandbox_bank_orders WHERE order_id = ?').get(orderId) as { code_attempts: number }).code_attempts;
}

/** Gives the order its dynamic СБП code unless it has one; the order's code either way. */
export function setSandboxOrderQr(db: Db, orderId: string, qrId: string, payload: string): void {
  prepared(db, 'UPDATE sandbox_bank_orders SET qr_id = ?, qr_payload = ? WHERE order_id = ? AND qr_id IS NULL').run(qrId, payload, orderId);
}

export function getSandboxOrderByQr(db: Db, qrId: string): SandboxOrderRow | undefined {
  return prepared(db, `SELECT ${columns} FROM sandbox_bank_orders WHERE qr_id = ?`).get(qrId) as SandboxOrderRow | undefined;
}
