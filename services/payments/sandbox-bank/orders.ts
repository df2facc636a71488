// The sandbox bank's orders: their state as the bank sees it now, and the moves from one state
// to the next that the shop's API calls and the payment pages make.
import { getSandboxOrder, moveSandboxOrder, type SandboxOrderRow } from '../../../db/payments/sandbox-bank.ts';
import { bankStatus } from '../gateway.ts';
import { notify } from './callbacks.ts';
import type { SandboxContext } from './sandbox-bank.ts';

/** The order as the bank sees it now: an unpaid one past its session is declined by timeout. */
export function current(bank: SandboxContext, orderId: string): SandboxOrderRow | undefined {
  const { db, now } = bank;
  const order = getSandboxOrder(db, orderId);
  if (order && order.status === bankStatus.registered && order.expires_at <= now()) {
    if (moveSandboxOrder(db, orderId, [bankStatus.registered], { status: bankStatus.declined, action_code: -2007, at: now() })) {
      notify(bank, orderId, 'declinedByTimeout', 0);
    }
    return getSandboxOrder(db, orderId);
  }
  return order;
}

/** The order's row as stored, without the session timeout applied. */
export function findOrder(bank: SandboxContext, orderId: string): SandboxOrderRow | undefined {
  return getSandboxOrder(bank.db, orderId);
}

/** refund.do: a deposited order is refunded in full. */
export function refund(bank: SandboxContext, orderId: string): boolean {
  const order = getSandboxOrder(bank.db, orderId);
  if (!order || !moveSandboxOrder(bank.db, orderId, [bankStatus.deposited], { status: bankStatus.refunded, refunded_amount: order.amount, at: bank.now() })) return false;
  notify(bank, orderId, 'refunded', 1);
  return true;
}

/** reverse.do: a held or deposited order is cancelled. */
export function reverse(bank: SandboxContext, orderId: string): boolean {
  if (!moveSandboxOrder(bank.db, orderId, [bankStatus.held, bankStatus.deposited], { status: bankStatus.reversed, at: bank.now() })) return false;
  notify(bank, orderId, 'reversed', 1);
  return true;
}
