// Starting a payment: one order per form token, the readings stored with it, and the order
// registered at the bank; by card the customer is sent to the bank's page, by СБП to our page
// with the order's dynamic QR code.
import type { AccountRow, MeterRow } from '../../db/accounts/accounts.ts';
import {
  getPaymentByFormToken,
  getPaymentById,
  insertCardPayment,
  markPaymentRegistered,
  markPaymentRegisteredWithQr,
  markPaymentRegistrationFailed,
  setPaymentReadingSeq,
  type PaymentRow,
} from '../../db/payments/payments.ts';
import type { AuditContext } from '../ops/audit.ts';
import { nowSeconds } from '../platform/clock.ts';
import { randomDigits } from '../platform/tokens.ts';
import { localDate } from '../billing/periods.ts';
import type { CheckedReading } from '../billing/readings.ts';
import { failureMessage, type GatewayFailure } from './gateway.ts';
import type { PaymentMethod, PaymentsContext, StartResult } from './payments.ts';

type StartInput = {
  account: AccountRow;
  linkId: number;
  userId: number;
  formToken: string;
  amountKopecks: number;
  email: string;
  reading: { meter: MeterRow; checked: Extract<CheckedReading, { kind: 'valid' }> } | null;
  context: AuditContext;
  /** 'card' when not given. */
  method?: PaymentMethod;
};

/** Creates the order for a form (once per form token), stores the readings, registers at the bank. */
export async function start(deps: PaymentsContext, input: StartInput): Promise<StartResult> {
  const { account, linkId, formToken, context } = input;
  const { registering } = deps.state;
  const inFlight = registering.get(formToken);
  if (inFlight) return inFlight;
  const existing = getPaymentByFormToken(deps.db, formToken);
  if (existing) return existing.account_id === account.id ? again(existing, linkId, nowSeconds(deps.clock)) : { kind: 'stale' };

  const payment = createOrder(deps, input);
  deps.audit.record(context, { event: 'payment.created', userId: input.userId, accountId: account.id, detail: { payment: payment.id, amount: payment.amount_kopecks } });
  const registration = register(deps, payment, account, linkId, context).finally(() => registering.delete(formToken));
  registering.set(formToken, registration);
  return registration;
}

function resultPath(linkId: number, paymentId: number): string {
  return `/a/${linkId}/payments/${paymentId}`;
}

/**
 * Where a form already used goes again: the same bank page or СБП code while the order can be
 * paid; finished (paid, declined, or its СБП code expired) to the order's result page; and there
 * too while its registration is still under way.
 */
function again(payment: PaymentRow, linkId: number, now: number): StartResult {
  const result = { paymentId: payment.id, location: resultPath(linkId, payment.id) };
  const open = payment.status === 'created' || payment.status === 'pending';
  const qrExpired = payment.method === 'sbp' && payment.qr_expires_at !== null && payment.qr_expires_at <= now;
  if (!open || qrExpired) return { kind: 'finished', ...result };
  if (payment.method === 'sbp' && payment.qr_id && payment.qr_payload && payment.qr_expires_at) {
    return { kind: 'redirect', ...result, sbp: { qrId: payment.qr_id, payload: payment.qr_payload, expiresAt: payment.qr_expires_at } };
  }
  return { kind: 'redirect', ...result, ...(payment.form_url ? { location: payment.form_url } : {}) };
}

function newOrderNumber({ clock, company }: PaymentsContext): string {
  const today = localDate(clock.now(), company.timeZone);
  return `${String(today.year).slice(2)}${String(today.month).padStart(2, '0')}${String(today.day).padStart(2, '0')}-${randomDigits(8)}`;
}

/** The payment row and the readings that came with the form, in one transaction. */
function createOrder(deps: PaymentsContext, input: StartInput): PaymentRow {
  const { db, clock, readings } = deps;
  const { account, formToken, context } = input;
  // The readings are stored under the period they were checked for; the order names the same one.
  const period = input.reading?.checked.timing.period ?? readings.timingFor(account.id).period;
  return db.transaction(() => {
    const id = insertCardPayment(db, {
      account_id: account.id,
      user_id: input.userId,
      order_number: newOrderNumber(deps),
      amount_kopecks: input.amountKopecks,
      email: input.email,
      form_token: formToken,
      period,
      consent_version: deps.limits.consentVersion,
      created_at: nowSeconds(clock),
      method: input.method === 'sbp' && deps.sbp.enabled ? 'sbp' : 'card',
    });
    if (input.reading) {
      const seq = readings.submit(account, input.reading.meter, input.reading.checked, { userId: input.userId, source: 'customer' }, context);
      setPaymentReadingSeq(db, id, seq);
    }
    return getPaymentById(db, id)!;
  })();
}

async function register(deps: PaymentsContext, payment: PaymentRow, account: AccountRow, linkId: number, context: AuditContext): Promise<StartResult> {
  const { db, clock, baseUrl, audit } = deps;
  const returnUrl = `${baseUrl}${resultPath(linkId, payment.id)}`;
  const answer = await deps.gateway.register({
    orderNumber: payment.order_number,
    amountKopecks: payment.amount_kopecks,
    returnUrl,
    failUrl: returnUrl,
    description: `Оплата электроэнергии, лицевой счёт ${account.number}`,
    email: payment.email ?? '',
    callbackUrl: `${baseUrl}/payments/callback`,
    ...(payment.method === 'sbp' ? { sessionTimeoutSeconds: deps.sbp.ttlSeconds } : {}),
  });
  const now = nowSeconds(clock);
  if (answer.ok && payment.method === 'sbp') return withQrCode(deps, payment, answer.orderId, linkId, returnUrl, context);
  if (!answer.ok) {
    return registrationFailed(deps, payment, answer, context);
  }
  markPaymentRegistered(db, payment.id, answer.orderId, answer.formUrl, now);
  audit.record(context, { event: 'payment.registered', userId: payment.user_id, accountId: payment.account_id, detail: { payment: payment.id, orderId: answer.orderId } });
  return { kind: 'redirect', location: answer.formUrl, paymentId: payment.id };
}

/** The order can never be paid: it ends declined with a Russian sentence, the bank's own words audited. */
function registrationFailed(deps: PaymentsContext, payment: PaymentRow, answer: GatewayFailure, context: AuditContext, orderId?: string): StartResult {
  const { db, clock, audit } = deps;
  const message = failureMessage(answer);
  markPaymentRegistrationFailed(db, payment.id, message, nowSeconds(clock));
  audit.record(context, {
    event: 'payment.register_failed',
    userId: payment.user_id,
    accountId: payment.account_id,
    detail: { payment: payment.id, kind: answer.kind, code: answer.code ?? null, message: answer.message, orderId: orderId ?? null },
  });
  return { kind: 'failed', message, paymentId: payment.id };
}

/** СБП: the order's dynamic code from the bank; without it the order cannot be paid and ends here. */
async function withQrCode(deps: PaymentsContext, payment: PaymentRow, orderId: string, linkId: number, returnUrl: string, context: AuditContext): Promise<StartResult> {
  const { db, clock, audit } = deps;
  const qr = await deps.gateway.sbpQr(orderId, { redirectUrl: returnUrl, purpose: `Оплата электроэнергии, заказ ${payment.order_number}` });
  if (!qr.ok) return registrationFailed(deps, payment, qr, context, orderId);
  const now = nowSeconds(clock);
  const code = { qrId: qr.qrId, payload: qr.payload, expiresAt: now + deps.sbp.ttlSeconds };
  // form_url of an СБП order: only the sandbox bank's tester page, never a real bank's.
  markPaymentRegisteredWithQr(db, payment.id, orderId, { ...code, testerUrl: qr.testerUrl }, now);
  audit.record(context, { event: 'payment.registered', userId: payment.user_id, accountId: payment.account_id, detail: { payment: payment.id, orderId, qrId: qr.qrId } });
  return { kind: 'redirect', location: resultPath(linkId, payment.id), paymentId: payment.id, sbp: code };
}
