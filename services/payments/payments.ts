// Card payments: the amount to pay, one order per form, and settling each order exactly once
// with what the bank says (never with what a callback or a redirect claims).
import { getAccountById, type AccountRow, type MeterRow } from '../../db/accounts/accounts.ts';
import { appendLedgerEntry } from '../../db/billing/monthly-close.ts';
import type { Db } from '../../db/connection.ts';
import {
  getPaymentByFormToken,
  getPaymentByGatewayOrder,
  getPaymentById,
  hasLedgerEntryForPayment,
  hasOutboxLetter,
  insertCardPayment,
  listAccountPayments,
  listUnsettledPayments,
  markPaymentChecked,
  markPaymentRegistered,
  markPaymentRegistrationFailed,
  setPaymentReadingSeq,
  updatePaymentStatus,
  type PaymentRow,
  type PaymentStatus,
} from '../../db/payments/payments.ts';
import type { Audit, AuditContext } from '../ops/audit.ts';
import { nowSeconds, type Clock } from '../platform/clock.ts';
import type { Company } from '../platform/config.ts';
import { formatPeriod, type Formatter } from '../platform/format.ts';
import { bankStatus, failureMessage, type Gateway } from './gateway.ts';
import type { Letters } from '../platform/letters.ts';
import type { Mail } from '../platform/mail.ts';
import { localDate, periodOf } from '../billing/periods.ts';
import type { CheckedReading, Readings } from '../billing/readings.ts';
import { randomDigits } from '../platform/tokens.ts';
import { paymentStatusLabels } from '../platform/labels.ts';


/** A status only moves forward: a late answer about an earlier state never undoes a later one. */
const statusRank: Record<PaymentStatus, number> = { created: 0, pending: 1, paid: 2, declined: 2, reversed: 3, refunded: 3 };

export function statusFromBank(orderStatus: number): PaymentStatus {
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

export type AmountLimits = { minKopecks: number; maxKopecks: number };

/** «1234,56», «1234.56», «1 234» → kopecks, or the Russian reason it is not an amount to pay. */
export function parseAmount(raw: unknown, limits: AmountLimits, money: (kopecks: number) => string): { ok: true; kopecks: number } | { ok: false; message: string } {
  const text = typeof raw === 'string' ? raw.replace(/[\s\u00a0\u202f]/g, '').replace(/₽|руб\.?$/i, '') : '';
  if (text === '') return { ok: false, message: 'Введите сумму к оплате' };
  if (/^-/.test(text)) return { ok: false, message: 'Сумма не может быть отрицательной' };
  const match = /^(\d{1,12})(?:[.,](\d+))?$/.exec(text);
  if (!match) return { ok: false, message: 'Введите сумму цифрами, например 1234,56' };
  if (match[2] !== undefined && match[2].length > 2) return { ok: false, message: 'Не больше двух знаков после запятой: рубли и копейки' };
  const kopecks = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  if (kopecks === 0) return { ok: false, message: 'Сумма должна быть больше нуля' };
  if (kopecks < limits.minKopecks) return { ok: false, message: `Сумма — не меньше ${money(limits.minKopecks)}` };
  if (kopecks > limits.maxKopecks) return { ok: false, message: `Сумма — не больше ${money(limits.maxKopecks)} за один платёж` };
  return { ok: true, kopecks };
}

/** Kopecks as the customer types them: «1234,56». */
export function amountInput(kopecks: number): string {
  return `${Math.floor(kopecks / 100)},${String(kopecks % 100).padStart(2, '0')}`;
}

export type Quote = {
  /** What the new readings (or, without a meter, a month by the norm) cost at today's tariff. */
  chargeKopecks: number;
  /** Positive = debt, negative = overpayment. */
  balanceKopecks: number;
  /** charge + balance, kept within the limits; null when the overpayment covers it all. */
  suggestedKopecks: number | null;
  consumption: number[];
};

export type StartResult =
  | { kind: 'redirect'; location: string }
  | { kind: 'failed'; message: string; paymentId: number }
  | { kind: 'stale' };

export type SettleResult =
  | { kind: 'unknown' }
  | { kind: 'unavailable'; message: string }
  | { kind: 'mismatch' }
  | { kind: 'settled'; payment: PaymentRow; credited: boolean; reversed: boolean };

export type Payments = ReturnType<typeof createPayments>;

export function createPayments(deps: {
  db: Db;
  clock: Clock;
  company: Company;
  baseUrl: string;
  gateway: Gateway;
  readings: Readings;
  audit: Audit;
  mail: Mail;
  letters: Letters;
  format: Formatter;
  reconcile: { afterMinutes: number; intervalSeconds: number };
}) {
  const { db, clock, company, baseUrl, gateway, readings, audit, mail, letters, format } = deps;
  const limits = company.payments;
  /** Orders being registered right now, by form token: a double click waits for the first. */
  const registering = new Map<string, Promise<StartResult>>();
  let timer: NodeJS.Timeout | null = null;
  let reconciling: Promise<unknown> | null = null;

  function quote(account: AccountRow, meter: MeterRow | undefined, consumption: number[] | null): Quote {
    const estimate = meter
      ? readings.estimate(account, meter, consumption ?? [])
      : readings.estimate(account, { zones: 1 } as MeterRow, [account.norm_kwh]);
    const total = estimate.amountKopecks + account.balance_kopecks;
    const suggested = total <= 0 ? null : Math.min(limits.maxKopecks, Math.max(limits.minKopecks, total));
    return { chargeKopecks: estimate.amountKopecks, balanceKopecks: account.balance_kopecks, suggestedKopecks: suggested, consumption: estimate.consumption };
  }

  function resultPath(linkId: number, paymentId: number): string {
    return `/a/${linkId}/payments/${paymentId}`;
  }

  /** Where a form already used goes again: the same bank page while it can be paid, else the result. */
  function again(payment: PaymentRow, linkId: number): StartResult {
    if (payment.form_url && (payment.status === 'created' || payment.status === 'pending')) return { kind: 'redirect', location: payment.form_url };
    return { kind: 'redirect', location: resultPath(linkId, payment.id) };
  }

  function newOrderNumber(): string {
    const today = localDate(clock.now(), company.timeZone);
    return `${String(today.year).slice(2)}${String(today.month).padStart(2, '0')}${String(today.day).padStart(2, '0')}-${randomDigits(8)}`;
  }

  async function register(payment: PaymentRow, account: AccountRow, linkId: number, context: AuditContext): Promise<StartResult> {
    const returnUrl = `${baseUrl}${resultPath(linkId, payment.id)}`;
    const answer = await gateway.register({
      orderNumber: payment.order_number,
      amountKopecks: payment.amount_kopecks,
      returnUrl,
      failUrl: returnUrl,
      description: `Оплата электроэнергии, лицевой счёт ${account.number}`,
      email: payment.email ?? '',
      callbackUrl: `${baseUrl}/payments/callback`,
    });
    const now = nowSeconds(clock);
    if (!answer.ok) {
      const message = failureMessage(answer);
      markPaymentRegistrationFailed(db, payment.id, message, now);
      audit.record(context, {
        event: 'payment.register_failed',
        userId: payment.user_id,
        accountId: payment.account_id,
        detail: { payment: payment.id, kind: answer.kind, code: answer.code ?? null, message: answer.message },
      });
      return { kind: 'failed', message, paymentId: payment.id };
    }
    markPaymentRegistered(db, payment.id, answer.orderId, answer.formUrl, now);
    audit.record(context, { event: 'payment.registered', userId: payment.user_id, accountId: payment.account_id, detail: { payment: payment.id, orderId: answer.orderId } });
    return { kind: 'redirect', location: answer.formUrl };
  }

  /** Queues the receipt once per payment (the outbox's dedupe key), whoever settles it. */
  async function sendReceipt(payment: PaymentRow): Promise<void> {
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

  async function settle(orderId: string, context: AuditContext): Promise<SettleResult> {
    const payment = getPaymentByGatewayOrder(db, orderId);
    if (!payment) return { kind: 'unknown' };
    const answer = await gateway.status(orderId);
    const now = nowSeconds(clock);
    if (!answer.ok) {
      audit.record(context, { event: 'payment.status_unavailable', accountId: payment.account_id, detail: { payment: payment.id, kind: answer.kind, message: answer.message } });
      return { kind: 'unavailable', message: 'Банк пока не подтвердил платёж. Мы узнаем его статус сами и зачислим оплату; обновите страницу через несколько минут.' };
    }
    if (answer.amount !== payment.amount_kopecks || (answer.orderNumber !== '' && answer.orderNumber !== payment.order_number)) {
      markPaymentChecked(db, payment.id, now);
      audit.record(context, {
        event: 'payment.amount_mismatch',
        accountId: payment.account_id,
        detail: { payment: payment.id, ours: payment.amount_kopecks, bank: answer.amount, orderNumber: answer.orderNumber, bankStatus: answer.orderStatus },
      });
      return { kind: 'mismatch' };
    }
    const target = statusFromBank(answer.orderStatus);
    // IMMEDIATE: the write lock is taken before reading, so a script settling beside the server
    // cannot read the same "not yet credited" state; the unique ledger index is the last guard.
    const outcome = db
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
            note: `Оплата картой, заказ ${payment.order_number}`,
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
            note: `${target === 'refunded' ? 'Возврат' : 'Отмена'} оплаты картой, заказ ${payment.order_number}`,
          });
          reversed = true;
        }
        updatePaymentStatus(db, payment.id, {
          status: target,
          bank_status: answer.orderStatus,
          masked_pan: answer.maskedPan,
          paid_at: target === 'paid' ? now : null,
          at: now,
        });
        return { credited, reversed };
      })
      .immediate();
    if (outcome.credited) audit.record(context, { event: 'payment.credited', accountId: payment.account_id, detail: { payment: payment.id } });
    if (outcome.reversed) audit.record(context, { event: 'payment.reversed', accountId: payment.account_id, detail: { payment: payment.id, status: target } });
    const settled = getPaymentById(db, payment.id)!;
    if (settled.status === 'paid') await sendReceipt(settled);
    return { kind: 'settled', payment: settled, ...outcome };
  }

  async function reconcile(options: { olderThanSeconds?: number; limit?: number } = {}): Promise<{ checked: number; credited: number; unavailable: number }> {
    const before = nowSeconds(clock) - (options.olderThanSeconds ?? deps.reconcile.afterMinutes * 60);
    const report = { checked: 0, credited: 0, unavailable: 0 };
    for (const payment of listUnsettledPayments(db, before, options.limit ?? 500)) {
      const result = await settle(payment.gateway_order_id!, { ip: 'reconcile' });
      report.checked++;
      if (result.kind === 'settled' && result.credited) report.credited++;
      if (result.kind === 'unavailable') report.unavailable++;
    }
    return report;
  }

  function reconcileOnce(): Promise<unknown> {
    reconciling ??= reconcile()
      .catch((error) => console.error('payments: reconciliation failed', error))
      .finally(() => {
        reconciling = null;
      });
    return reconciling;
  }

  return {
    limits,
    quote,
    statusLabels: paymentStatusLabels,

    /** Creates the order for a form (once per form token), stores the readings, registers at the bank. */
    async start(input: {
      account: AccountRow;
      linkId: number;
      userId: number;
      formToken: string;
      amountKopecks: number;
      email: string;
      reading: { meter: MeterRow; checked: Extract<CheckedReading, { kind: 'valid' }> } | null;
      context: AuditContext;
    }): Promise<StartResult> {
      const { account, linkId, formToken, context } = input;
      const inFlight = registering.get(formToken);
      if (inFlight) return inFlight;
      const existing = getPaymentByFormToken(db, formToken);
      if (existing) return existing.account_id === account.id ? again(existing, linkId) : { kind: 'stale' };

      const period = readings.timingFor(account.id).period;
      const payment = db.transaction(() => {
        const id = insertCardPayment(db, {
          account_id: account.id,
          user_id: input.userId,
          order_number: newOrderNumber(),
          amount_kopecks: input.amountKopecks,
          email: input.email,
          form_token: formToken,
          period,
          consent_version: limits.consentVersion,
          created_at: nowSeconds(clock),
        });
        if (input.reading) {
          const seq = readings.submit(account, input.reading.meter, input.reading.checked, { userId: input.userId, source: 'customer' }, context);
          setPaymentReadingSeq(db, id, seq);
        }
        return getPaymentById(db, id)!;
      })();
      audit.record(context, { event: 'payment.created', userId: input.userId, accountId: account.id, detail: { payment: payment.id, amount: payment.amount_kopecks } });
      const registration = register(payment, account, linkId, context).finally(() => registering.delete(formToken));
      registering.set(formToken, registration);
      return registration;
    },

    settle,
    reconcile,

    /** The callback's parameters, verified: the order is settled with the bank, never on the callback's word. */
    async callback(params: Record<string, string>, context: AuditContext): Promise<{ status: number; body: string }> {
      if (!gateway.verifyCallback(params)) {
        audit.record(context, { event: 'payment.callback_forged', detail: { mdOrder: String(params.mdOrder ?? '').slice(0, 64), operation: String(params.operation ?? '').slice(0, 32) } });
        return { status: 400, body: 'bad checksum' };
      }
      const orderId = String(params.mdOrder ?? '');
      if (!getPaymentByGatewayOrder(db, orderId)) {
        audit.record(context, { event: 'payment.callback_unknown', detail: { mdOrder: orderId.slice(0, 64), orderNumber: String(params.orderNumber ?? '').slice(0, 64) } });
        return { status: 404, body: 'unknown order' };
      }
      const result = await settle(orderId, context);
      // Not confirmed with the bank yet: a non-200 answer makes the bank call again.
      if (result.kind === 'unavailable') return { status: 503, body: 'status unavailable' };
      return { status: 200, body: 'OK' };
    },

    /** One of the account's payments, or undefined (someone else's is not found). */
    of(accountId: number, paymentId: number): PaymentRow | undefined {
      const payment = getPaymentById(db, paymentId);
      return payment && payment.account_id === accountId ? payment : undefined;
    },

    list(accountId: number, limit = 50): PaymentRow[] {
      return listAccountPayments(db, accountId, limit);
    },

    /** Runs reconciliation now and then every interval; the timer never keeps the process alive. */
    startReconciler(): void {
      if (timer) return;
      void reconcileOnce();
      timer = setInterval(() => void reconcileOnce(), Math.max(1, deps.reconcile.intervalSeconds) * 1000);
      timer.unref();
    },

    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      timer = null;
      await reconciling;
    },
  };
}
