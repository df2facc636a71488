// The bank's callback about an order: its signature checked, then the order settled by asking the bank.
import { getPaymentByGatewayOrder } from '../../db/payments/payments.ts';
import type { AuditContext } from '../ops/audit.ts';
import type { PaymentsContext } from './payments.ts';
import { settle } from './settle.ts';

/** The callback's parameters, verified: the order is settled with the bank, never on the callback's word. */
export async function callback(deps: PaymentsContext, params: Record<string, string>, context: AuditContext): Promise<{ status: number; body: string }> {
  const { audit } = deps;
  if (!deps.gateway.verifyCallback(params)) {
    audit.record(context, { event: 'payment.callback_forged', detail: { mdOrder: String(params.mdOrder ?? '').slice(0, 64), operation: String(params.operation ?? '').slice(0, 32) } });
    return { status: 400, body: 'bad checksum' };
  }
  const orderId = String(params.mdOrder ?? '');
  if (!getPaymentByGatewayOrder(deps.db, orderId)) {
    audit.record(context, { event: 'payment.callback_unknown', detail: { mdOrder: orderId.slice(0, 64), orderNumber: String(params.orderNumber ?? '').slice(0, 64) } });
    return { status: 404, body: 'unknown order' };
  }
  const result = await settle(deps, orderId, context);
  // Not confirmed with the bank yet: a non-200 answer makes the bank call again.
  if (result.kind === 'unavailable') return { status: 503, body: 'status unavailable' };
  return { status: 200, body: 'OK' };
}
