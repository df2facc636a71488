// The sandbox bank's СБП: a dynamic QR code for an order (its payload shaped as НСПК's
// https://qr.nspk.ru/<id>?type=02&bank=…&sum=…&cur=RUB), the code's status, and the page where a
// tester "pays from the banking app", declines, or lets the code expire; each calls back as a card.
import type { Express, Request, Response } from 'express';
import { randomBytes } from 'node:crypto';
import { getSandboxOrder, getSandboxOrderByQr, moveSandboxOrder, setSandboxOrderQr, type SandboxOrderRow } from '../../../db/payments/sandbox-bank.ts';
import { bankStatus } from '../gateway.ts';
import { params } from './api.ts';
import { notify } from './callbacks.ts';
import { current } from './orders.ts';
import { render } from './pages.ts';
import type { SandboxContext } from './sandbox-bank.ts';

export const sbpPagePath = '/payment/merchants/sandbox/sbp.html';
/** НСПК's member id of the sandbox's bank (any 12 digits would do). */
const sandboxBankMember = '100000000111';

function newQrId(): string {
  return `AD${randomBytes(15).toString('hex').toUpperCase()}`;
}

/** The state of the code as RBS names it, from the order's. */
function qrState(order: SandboxOrderRow): string {
  if (order.status === bankStatus.deposited || order.status === bankStatus.refunded || order.status === bankStatus.reversed) return 'ACCEPTED';
  if (order.status === bankStatus.declined) return order.action_code === -2007 ? 'EXPIRED' : 'REJECTED';
  return 'STARTED';
}

/** sbp/c2b/qr/dynamic/get.do: the order's code (the same one when asked again). */
export function dynamicQr(bank: SandboxContext, p: Record<string, string>, origin: string): Record<string, unknown> {
  const order = p.mdOrder ? current(bank, p.mdOrder) : undefined;
  if (!order || order.merchant !== p.userName) return { errorCode: '6', errorMessage: 'Заказ не найден' };
  if (order.status !== bankStatus.registered) return { errorCode: '7', errorMessage: 'Неверное состояние заказа' };
  if (bank.behaviour.qrError) return { errorCode: bank.behaviour.qrError.code, errorMessage: bank.behaviour.qrError.message };
  const qrId = newQrId();
  setSandboxOrderQr(bank.db, order.order_id, qrId, `https://qr.nspk.ru/${qrId}?type=02&bank=${sandboxBankMember}&sum=${order.amount}&cur=RUB`);
  const withQr = getSandboxOrder(bank.db, order.order_id)!;
  return {
    errorCode: '0',
    qrId: withQr.qr_id,
    payload: withQr.qr_payload,
    qrStatus: qrState(withQr),
    renderedQr: '',
    testerUrl: `${origin}${sbpPagePath}?qrId=${withQr.qr_id}`,
  };
}

/** The order behind a code, as the bank sees it now. */
function orderOfQr(bank: SandboxContext, qrId: string): SandboxOrderRow | undefined {
  const order = getSandboxOrderByQr(bank.db, qrId);
  return order ? current(bank, order.order_id) : undefined;
}

export function addSbpPages(app: Express, bank: SandboxContext): void {
  app.get(sbpPagePath, (req, res) => {
    const order = orderOfQr(bank, String(req.query.qrId ?? ''));
    if (!order) return render(bank, res, 404, 'gone', { message: 'QR-код не найден.' });
    showApp(bank, res, order);
  });
  app.post(sbpPagePath, (req, res) => act(bank, req, res));
}

function showApp(bank: SandboxContext, res: Response, order: SandboxOrderRow, status = 200): void {
  render(bank, res, status, 'sbp', { order, sbpPagePath, state: qrState(order), expiresAt: new Date(order.expires_at * 1000).toISOString() });
}

/** The tester's choice in the "banking app": pay, decline, or let the code expire now. */
function act(bank: SandboxContext, req: Request, res: Response) {
  const p = params(req);
  const order = orderOfQr(bank, p.qrId ?? '');
  if (!order) return render(bank, res, 404, 'gone', { message: 'QR-код не найден.' });
  if (order.status !== bankStatus.registered) return showApp(bank, res, order, 409);
  const at = bank.now();
  if (p.action === 'pay') {
    moveSandboxOrder(bank.db, order.order_id, [bankStatus.registered], { status: bankStatus.deposited, action_code: 0, at });
    notify(bank, order.order_id, 'deposited', 1);
  } else if (p.action === 'decline') {
    moveSandboxOrder(bank.db, order.order_id, [bankStatus.registered], { status: bankStatus.declined, action_code: -2019, at });
    notify(bank, order.order_id, 'deposited', 0);
  } else if (p.action === 'expire') {
    moveSandboxOrder(bank.db, order.order_id, [bankStatus.registered], { status: bankStatus.declined, action_code: -2007, at });
    notify(bank, order.order_id, 'declinedByTimeout', 0);
  }
  res.redirect(303, `${sbpPagePath}?qrId=${order.qr_id}`);
}
