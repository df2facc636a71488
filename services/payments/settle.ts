// Settling an order (card or СБП) exactly once with what the bank says: its status moves only forward, a paid
// order is credited to the ledger once, a reversed or refunded one is taken back once.
import { appendLedgerEntry } from '../../db/billing/monthly-close.ts';
import {
  getPaymentByGatewayOrder,
  getPaymentById,
  hasLedgerEntryForPayment,
  markPaymentChecked,
  updatePaymentStatus,
  type PaymentRow,
  type PaymentStatus,
} from '../../db/payments/payments.ts';
import type { AuditContext } from '../ops/audit.ts';
import { nowSeconds } from '../platform/clock.ts';
import { localDate, periodOf } from '../billing/periods.ts';
import { bankStatus, type OrderStatus } from './gateway.ts';
import type { PaymentsContext, SettleResult } from './payments.ts';
import { sendReceipt } from './receipts.ts';

/** A status only moves forward: a late answer about an earlier state never undoes a later one. */
const statusRank: Record<PaymentStatus, number> = { created: 0, pending: 1, paid: 2, declined: 2, reversed: 3, refunded: 3 };

function statusFromBank(orderStatus: number): PaymentStatus {
  switch (orderStatus) {
    case bankStatus.deposited:
      return 'paid';
    case bankStatus.declined:
      return 'declined';
    case bankStatus.reversed:
      return 'reversed';
    case bankStatus.refunded:
      return 'refunded';
    case bankStatus.held:
    case bankStatus.authorizing:
      return 'pending';
    default:
      return 'created';
  }
}

/** Asks the bank about the order and records its answer; the receipt goes once the payment is paid. */
export async function settle(deps: PaymentsContext, orderId: string, context: AuditContext): Promise<SettleResult> {
  const { db, clock, audit } = deps;
  const payment = getPaymentByGatewayOrder(db, orderId);
  if (!payment) return { kind: 'unknown' };
  const answer = await deps.gateway.status(orderId);
  const now = nowSeconds(clock);
  if (!answer.ok) {
    audit.record(context, { event: 'payment.status_unavailable', accountId: payment.account_id, detail: { payment: payment.id, kind: answer.kind, message: answer.message } });
    return { kind: 'unavailable', message: 'Банк пока не подтвердил платёж. Мы узнаем его статус сами и зачислим оплату; обновите страницу через несколько минут.' };
  }
  if (!sameOrder(payment, answer)) {
    markPaymentChecked(db, payment.id, now);
    audit.record(context, {
      event: 'payment.amount_mismatch',
      accountId: payment.account_id,
      detail: { payment: payment.id, ours: payment.amount_kopecks, bank: answer.amount, orderNumber: answer.orderNumber, bankStatus: answer.orderStatus },
    });
    return { kind: 'mismatch' };
  }
  const target = statusFromBank(answer.orderStatus);
  const outcome = recordBankStatus(deps, payment, answer, target, now);
  if (outcome.credited) audit.record(context, { event: 'payment.credited', accountId: payment.account_id, detail: { payment: payment.id } });
  if (outcome.reversed) audit.record(context, { event: 'payment.reversed', accountId: payment.account_id, detail: { payment: payment.id, status: target } });
  const settled = getPaymentById(db, payment.id)!;
  if (settled.status === 'paid') await sendReceipt(deps, settled);
  return { kind: 'settled', payment: settled, ...outcome };
}

/** The bank's answer is about this order: the same amount and (when it says) the same number. */
function sameOrder(payment: PaymentRow, answer: OrderStatus): boolean {
  return answer.amount === payment.amount_kopecks && (answer.orderNumber === '' || answer.orderNumber === payment.order_number);
}

/** RBS's action code of an order that ran out of time. */
const timedOut = -2007;

/** Why an СБП order ended unpaid, for the customer; a card's decline keeps the page's general words. */
function declineMessage(payment: PaymentRow, answer: OrderStatus, now: number): string | null {
  if (payment.method !== 'sbp') return null;
  if (answer.actionCode === timedOut || (payment.qr_expires_at !== null && now >= payment.qr_expires_at)) {
    return 'Срок действия QR-кода истёк, оплата не поступила. Деньги не списаны — начните оплату заново, будет новый QR-код.';
  }
  return 'Оплата по СБП отклонена в приложении банка. Деньги не списаны — можно оплатить снова по СБП или картой.';
}

/** The new status and its ledger entries, each at most once. */
function recordBankStatus(deps: PaymentsContext, payment: PaymentRow, answer: OrderStatus, target: PaymentStatus, now: number): { credited: boolean; reversed: boolean } {
  const { db, clock, company } = deps;
  // IMMEDIATE: the write lock is taken before reading, so a script settling beside the server
  // cannot read the same "not yet credited" state; the unique ledger index is the last guard.
  return db
    .transaction(() => {
      const current = getPaymentById(db, payment.id)!;
      const forward = statusRank[target] > statusRank[current.status] || target === current.status;
      if (!forward) {
        markPaymentChecked(db, payment.id, now);
        return { credited: false, reversed: false };
      }
      let credited = false;
      let reversed = false;
      if (target === 'paid' && !hasLedgerEntryForPayment(db, payment.id, 'payment')) {
        appendLedgerEntry(db, {
          account_id: payment.account_id,
          at: now,
          kind: 'payment',
          period: periodOf(localDate(clock.now(), company.timeZone)),
          amount_kopecks: -payment.amount_kopecks,
          payment_id: payment.id,
          note: `${payment.method === 'sbp' ? 'Оплата по СБП' : 'Оплата картой'}, заказ ${payment.order_number}`,
        });
        credited = true;
      }
      if ((target === 'reversed' || target === 'refunded') && hasLedgerEntryForPayment(db, payment.id, 'payment') && !hasLedgerEntryForPayment(db, payment.id, 'reversal')) {
        appendLedgerEntry(db, {
          account_id: payment.account_id,
          at: now,
          kind: 'reversal',
          period: periodOf(localDate(clock.now(), company.timeZone)),
          amount_kopecks: payment.amount_kopecks,
          payment_id: payment.id,
          note: `${target === 'refunded' ? 'Возврат' : 'Отмена'} оплаты ${payment.method === 'sbp' ? 'по СБП' : 'картой'}, заказ ${payment.order_number}`,
        });
        reversed = true;
      }
      updatePaymentStatus(db, payment.id, {
        status: target,
        bank_status: answer.orderStatus,
        masked_pan: answer.maskedPan,
        paid_at: target === 'paid' ? now : null,
        at: now,
        error: target === 'declined' ? declineMessage(payment, answer, now) : null,
      });
      return { credited, reversed };
    })
    .immediate();
}
