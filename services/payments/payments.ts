// Payments by card or СБП: the amount to pay, one order per form, and settling each order exactly once
// with what the bank says (never with what a callback or a redirect claims).
import type { Db } from '../../db/connection.ts';
import { getPaymentById, listAccountPayments, type PaymentRow } from '../../db/payments/payments.ts';
import type { Audit } from '../ops/audit.ts';
import type { Letters } from '../platform/letters.ts';
import type { Mail } from '../platform/mail.ts';
import { bind } from '../platform/bind.ts';
import type { Clock } from '../platform/clock.ts';
import type { Company } from '../platform/config.ts';
import type { Formatter } from '../platform/format.ts';
import { paymentStatusLabels } from '../platform/labels.ts';
import type { Readings } from '../billing/readings.ts';
import { quote } from './amount.ts';
import { callback } from './callback.ts';
import type { Gateway } from './gateway.ts';
import { reconcile, startReconciler, stop } from './reconcile.ts';
import { settle } from './settle.ts';
import { sbpView } from './sbp.ts';
import { start } from './start.ts';

export { amountInput, parseAmount } from './amount.ts';

export type AmountLimits = { minKopecks: number; maxKopecks: number };

export type Quote = {
  /** What the new readings (or, without a meter, a month by the norm) cost at today's tariff. */
  chargeKopecks: number;
  /** Positive = debt, negative = overpayment. */
  balanceKopecks: number;
  /** charge + balance, kept within the limits; null when the overpayment covers it all. */
  suggestedKopecks: number | null;
  consumption: number[];
};

export type PaymentMethod = PaymentRow['method'];

/** An СБП order's code: what the QR carries, the bank's id of it, until when it can be paid. */
export type SbpCode = { qrId: string; payload: string; expiresAt: number };

export type StartResult =
  | { kind: 'redirect'; location: string; paymentId: number; sbp?: SbpCode }
  /** The form's order exists and can no longer be paid: location is its result page. */
  | { kind: 'finished'; location: string; paymentId: number }
  | { kind: 'failed'; message: string; paymentId: number }
  | { kind: 'stale' };

export type SettleResult =
  | { kind: 'unknown' }
  | { kind: 'unavailable'; message: string }
  | { kind: 'mismatch' }
  | { kind: 'settled'; payment: PaymentRow; credited: boolean; reversed: boolean };

type PaymentsDeps = {
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
  sbp: { enabled: boolean; ttlSeconds: number };
};

/** The dependencies, the payment limits and the state the operations share. */
export type PaymentsContext = PaymentsDeps & {
  limits: Company['payments'];
  state: {
    /** Orders being registered right now, by form token: a double click waits for the first. */
    registering: Map<string, Promise<StartResult>>;
    timer: NodeJS.Timeout | null;
    reconciling: Promise<unknown> | null;
  };
};

export type Payments = ReturnType<typeof createPayments>;

export function createPayments(deps: PaymentsDeps) {
  const context: PaymentsContext = { ...deps, limits: deps.company.payments, state: { registering: new Map(), timer: null, reconciling: null } };
  return {
    limits: context.limits,
    sbpEnabled: deps.sbp.enabled,
    statusLabels: paymentStatusLabels,
    ...bind(context, { quote, start, settle, reconcile, callback, of, list, startReconciler, stop, sbpView }),
  };
}

/** One of the account's payments, or undefined (someone else's is not found). */
function of({ db }: PaymentsContext, accountId: number, paymentId: number): PaymentRow | undefined {
  const payment = getPaymentById(db, paymentId);
  return payment && payment.account_id === accountId ? payment : undefined;
}

function list({ db }: PaymentsContext, accountId: number, limit = 50): PaymentRow[] {
  return listAccountPayments(db, accountId, limit);
}
