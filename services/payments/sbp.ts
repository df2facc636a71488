// What the СБП page shows of an order: its QR code drawn here as SVG from the bank's payload,
// the link a phone opens, and how long the code is still valid.
import type { PaymentRow } from '../../db/payments/payments.ts';
import { paymentQrDataUri } from '../bills/payment-qr.ts';
import { nowSeconds } from '../platform/clock.ts';
import type { PaymentsContext } from './payments.ts';

export type SbpView = {
  payload: string;
  /** data: URI of the SVG, for an <img> (no inline markup from outside); null when not asked for. */
  qrImage: string | null;
  expiresAt: number;
  /** Whole minutes left, at least 1 while valid; 0 once the code has expired. */
  minutesLeft: number;
  /** Still worth asking the bank (and, with htmx, polling). */
  waiting: boolean;
  /** The sandbox bank's "banking app" page, outside production only. */
  testerUrl: string | null;
};

/** The code of an СБП order still to be paid, or null for any other payment; the picture only if asked (a poll needs none). */
export async function sbpView(deps: PaymentsContext, payment: PaymentRow, options: { image?: boolean } = {}): Promise<SbpView | null> {
  if (payment.method !== 'sbp' || !payment.qr_payload || !payment.qr_expires_at) return null;
  if (payment.status !== 'created' && payment.status !== 'pending') return null;
  const left = payment.qr_expires_at - nowSeconds(deps.clock);
  return {
    payload: payment.qr_payload,
    qrImage: options.image === false ? null : await paymentQrDataUri(payment.qr_payload),
    expiresAt: payment.qr_expires_at,
    minutesLeft: left > 0 ? Math.max(1, Math.ceil(left / 60)) : 0,
    waiting: left > -120,
    testerUrl: payment.form_url,
  };
}
