// The receipt of a paid card payment, queued as a letter to the e-mail given with the order.
import { getAccountById } from '../../db/accounts/accounts.ts';
import { hasOutboxLetter, type PaymentRow } from '../../db/payments/payments.ts';
import { formatPeriod } from '../platform/format.ts';
import type { PaymentsContext } from './payments.ts';

/** Queues the receipt once per payment (the outbox's dedupe key), whoever settles it. */
export async function sendReceipt({ db, letters, mail, format }: PaymentsContext, payment: PaymentRow): Promise<void> {
  const dedupeKey = `receipt:payment:${payment.id}`;
  if (!payment.email || hasOutboxLetter(db, dedupeKey)) return;
  const account = getAccountById(db, payment.account_id)!;
  const letter = await letters.receipt({
    accountNumber: account.number,
    address: account.address,
    period: payment.period ? formatPeriod(payment.period) : '',
    amount: format.money(payment.amount_kopecks),
    orderNumber: payment.order_number,
    paidAt: format.dateTime(payment.paid_at ?? payment.updated_at),
    maskedPan: payment.masked_pan ?? '',
  });
  mail.enqueue({ kind: 'receipt', to: payment.email, dedupeKey, ...letter });
}
