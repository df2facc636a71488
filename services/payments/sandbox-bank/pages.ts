// The sandbox bank's hosted pages (they work with JS off): the card form, the 3-D Secure-like
// code step, and the redirect back to the shop once the order is paid or declined.
import type { Express, Request, Response } from 'express';
import { fileURLToPath } from 'node:url';
import { countSandboxCodeAttempt, getSandboxOrder, moveSandboxOrder, type SandboxOrderRow } from '../../../db/payments/sandbox-bank.ts';
import { bankStatus } from '../gateway.ts';
import { params } from './api.ts';
import { notify } from './callbacks.ts';
import { current } from './orders.ts';
import type { SandboxContext } from './sandbox-bank.ts';
import { formatMoney } from '../../platform/format.ts';
import { renderTemplate } from '../../platform/templates.ts';

const viewsDir = fileURLToPath(new URL('../../../views/pages/sandbox-bank/', import.meta.url));
const codeForConfirmation = '123456';
const cards = { success: '4111111111111111', declined: '4000000000000002', confirmation: '5555555555554444' };
const pagePath = '/payment/merchants/sandbox/payment_ru.html';
const codePath = '/payment/merchants/sandbox/acs.html';

const css = `
*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,"DejaVu Sans",Arial,sans-serif;color:#1b1b1b;background:#f2f4f3}
header{background:#1a7f37;color:#fff;padding:.6rem 1rem;font-weight:bold}main{max-width:28rem;margin:0 auto;padding:1rem}
.card{background:#fff;border:1px solid #c9d1cc;border-radius:6px;padding:1rem;margin-bottom:1rem}
h1{font-size:1.3rem;margin:.25rem 0 1rem}dl{margin:0 0 1rem}dt{color:#555;font-size:.9rem}dd{margin:0 0 .5rem;font-weight:bold;overflow-wrap:anywhere}
label{display:block;font-weight:bold;margin-bottom:.25rem}input{width:100%;font:inherit;padding:.5rem;border:2px solid #555;border-radius:3px}
input:focus,button:focus,a:focus{outline:3px solid #fd0;outline-offset:0}
.hint{color:#555;font-size:.9rem;margin:.25rem 0}.error{color:#b00020;font-weight:bold;margin:.25rem 0}
.actions{display:flex;flex-wrap:wrap;gap:.5rem;margin-top:1rem}button{font:inherit;font-weight:bold;min-height:44px;padding:.6rem 1.2rem;border:0;border-radius:3px;cursor:pointer;background:#1a7f37;color:#fff}
button.secondary{background:#e8edea;color:#1b1b1b;border:1px solid #8a948e}.sandbox{font-size:.9rem;color:#555}ul{padding-left:1.2rem;margin:.25rem 0}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
`;

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

function maskPan(pan: string): string {
  return `${pan.slice(0, 6)}**${pan.slice(-4)}`;
}

function withOrderId(url: string, orderId: string): string {
  const target = new URL(url);
  target.searchParams.set('orderId', orderId);
  target.searchParams.set('lang', 'ru');
  return target.href;
}

export function addPages(app: Express, bank: SandboxContext): void {
  app.get('/payment/static/bank.css', (_req, res) => {
    res.type('text/css').setHeader('Cache-Control', 'public, max-age=3600');
    res.send(css);
  });
  app.get(pagePath, (req, res) => {
    const order = current(bank, String(req.query.mdOrder ?? ''));
    if (!order) return render(bank, res, 404, 'gone', { message: 'Заказ не найден. Вернитесь в магазин и начните оплату заново.' });
    if (order.status === bankStatus.authorizing) return res.redirect(303, `${codePath}?mdOrder=${order.order_id}`);
    if (order.status !== bankStatus.registered) return finished(res, order);
    showPayPage(bank, res, order);
  });
  app.post(pagePath, (req, res) => payWithCard(bank, req, res));
  app.get(codePath, (req, res) => {
    const order = current(bank, String(req.query.mdOrder ?? ''));
    if (!order) return render(bank, res, 404, 'gone', { message: 'Заказ не найден.' });
    if (order.status !== bankStatus.authorizing) return finished(res, order);
    render(bank, res, 200, 'code', { order, codePath, error: null }, order.return_url);
  });
  app.post(codePath, (req, res) => confirmWithCode(bank, req, res));
}

/** A page of the bank: no scripts, forms only to itself and the shop, nothing cached. */
export function render(bank: SandboxContext, res: Response, status: number, view: string, data: Record<string, unknown>, formTarget?: string): void {
  const formAction = ["'self'", formTarget ? new URL(formTarget).origin : ''].filter(Boolean).join(' ');
  res.setHeader('Content-Security-Policy', `default-src 'none'; style-src 'self'; img-src 'self'; form-action ${formAction}; frame-ancestors 'none'; base-uri 'none'`);
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  let html: string;
  try {
    html = renderTemplate(`${viewsDir}${view}.ejs`, { ...data, money: formatMoney }, { cache: true });
  } catch (error) {
    bank.log('render failed', error);
    res.status(500).type('text/plain; charset=utf-8').send('Ошибка платёжной страницы');
    return;
  }
  res.status(status).type('html').send(html);
}

/** Back to the shop: to its return URL when paid, else to its fail URL (if it gave one). */
function finished(res: Response, order: SandboxOrderRow): void {
  const paid = order.status === bankStatus.deposited;
  res.redirect(303, withOrderId(paid ? order.return_url : (order.fail_url ?? order.return_url), order.order_id));
}

/** The order ends (paid or declined) from the state it is in; the shop is told, the customer sent back. */
function end(bank: SandboxContext, res: Response, order: SandboxOrderRow, change: Parameters<typeof moveSandboxOrder>[3], callback: [operation: string, status: 0 | 1]): void {
  moveSandboxOrder(bank.db, order.order_id, [order.status], change);
  notify(bank, order.order_id, ...callback);
  finished(res, getSandboxOrder(bank.db, order.order_id)!);
}

function showPayPage(bank: SandboxContext, res: Response, order: SandboxOrderRow, status = 200, extra: Record<string, unknown> = {}): void {
  render(bank, res, status, 'pay', { order, pagePath, error: null, pan: '', cards, ...extra }, order.return_url);
}

/** The card form sent: the test card decides — paid, declined, or on to the code step. */
function payWithCard(bank: SandboxContext, req: Request, res: Response) {
  const { db } = bank;
  const p = params(req);
  const order = current(bank, p.mdOrder ?? '');
  if (!order) return render(bank, res, 404, 'gone', { message: 'Заказ не найден. Вернитесь в магазин и начните оплату заново.' });
  if (order.status !== bankStatus.registered) return finished(res, order);
  const at = bank.now();
  if (p.action === 'decline') {
    return end(bank, res, order, { status: bankStatus.declined, action_code: -2019, at }, ['declinedByTimeout', 0]);
  }
  const pan = (p.pan ?? '').replace(/[\s-]/g, '');
  if (!/^\d{16,19}$/.test(pan) || !luhn(pan)) {
    return showPayPage(bank, res, order, 422, { error: 'Проверьте номер карты: 16–19 цифр', pan: (p.pan ?? '').slice(0, 30) });
  }
  if (pan === cards.declined) {
    return end(bank, res, order, { status: bankStatus.declined, action_code: 116, masked_pan: maskPan(pan), at }, ['deposited', 0]);
  }
  if (pan === cards.confirmation) {
    moveSandboxOrder(db, order.order_id, [bankStatus.registered], { status: bankStatus.authorizing, masked_pan: maskPan(pan), at });
    return res.redirect(303, `${codePath}?mdOrder=${order.order_id}`);
  }
  end(bank, res, order, { status: bankStatus.deposited, action_code: 0, masked_pan: maskPan(pan), at }, ['deposited', 1]);
}

/** The code step sent: the right code pays, a third wrong one (or «decline») declines. */
function confirmWithCode(bank: SandboxContext, req: Request, res: Response) {
  const { db } = bank;
  const p = params(req);
  const order = current(bank, p.mdOrder ?? '');
  if (!order) return render(bank, res, 404, 'gone', { message: 'Заказ не найден.' });
  if (order.status !== bankStatus.authorizing) return finished(res, order);
  const at = bank.now();
  if (p.action === 'decline') {
    return end(bank, res, order, { status: bankStatus.declined, action_code: -2006, at }, ['deposited', 0]);
  }
  if ((p.code ?? '').trim() !== codeForConfirmation) {
    if (countSandboxCodeAttempt(db, order.order_id) >= 3) {
      return end(bank, res, order, { status: bankStatus.declined, action_code: -2006, at }, ['deposited', 0]);
    }
    return render(bank, res, 422, 'code', { order, codePath, error: 'Неверный код. Проверьте код из SMS и введите его ещё раз.' }, order.return_url);
  }
  end(bank, res, order, { status: bankStatus.deposited, action_code: 0, at }, ['deposited', 1]);
}
