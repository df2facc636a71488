// The sandbox bank's REST API, as RBS: register.do, getOrderStatusExtended.do, refund.do,
// reverse.do and СБП's sbp/c2b/qr/dynamic/get.do
// (x-www-form-urlencoded POST, as RBS; GET with a query works too).
import express, { type Request, type Response, type Router } from 'express';
import { randomUUID } from 'node:crypto';
import { insertSandboxOrder } from '../../../db/payments/sandbox-bank.ts';
import { sleep } from './callbacks.ts';
import { current, refund, reverse } from './orders.ts';
import { dynamicQr } from './sbp.ts';
import type { SandboxContext } from './sandbox-bank.ts';

/** The request's string parameters, from the query and the form body (the body wins). */
export function params(req: Request): Record<string, string> {
  const source = { ...(req.query as Record<string, unknown>), ...((req.body ?? {}) as Record<string, unknown>) };
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(source)) if (typeof v === 'string') out[k] = v;
  return out;
}

function authorised(bank: SandboxContext, p: Record<string, string>): boolean {
  return p.userName === bank.deps.username && p.password === bank.deps.password;
}

export function apiRouter(bank: SandboxContext): Router {
  const api = express.Router();
  api.use(async (_req, _res, next) => {
    if (bank.behaviour.answerDelayMs > 0) await sleep(bank.behaviour.answerDelayMs);
    next();
  });
  api.all('/register.do', (req, res) => registerOrder(bank, req, res));
  api.all('/getOrderStatusExtended.do', (req, res) => orderStatusExtended(bank, req, res));
  api.all('/sbp/c2b/qr/dynamic/get.do', (req, res) => {
    const p = params(req);
    if (!authorised(bank, p)) return res.json({ errorCode: '5', errorMessage: 'Доступ запрещён' });
    res.json(dynamicQr(bank, p, `${req.protocol}://${req.get('host')}`));
  });
  api.all('/refund.do', (req, res) => {
    const p = params(req);
    if (!authorised(bank, p)) return res.json({ errorCode: '5', errorMessage: 'Доступ запрещён' });
    res.json(refund(bank, p.orderId ?? '') ? { errorCode: '0', errorMessage: 'Успешно' } : { errorCode: '7', errorMessage: 'Неверное состояние заказа' });
  });
  api.all('/reverse.do', (req, res) => {
    const p = params(req);
    if (!authorised(bank, p)) return res.json({ errorCode: '5', errorMessage: 'Доступ запрещён' });
    res.json(reverse(bank, p.orderId ?? '') ? { errorCode: '0', errorMessage: 'Успешно' } : { errorCode: '7', errorMessage: 'Неверное состояние заказа' });
  });
  return api;
}

/** register.do: a new order (its number unique per shop) and the URL of its payment page. */
function registerOrder(bank: SandboxContext, req: Request, res: Response) {
  const { behaviour } = bank;
  const p = params(req);
  if (!authorised(bank, p)) return res.json({ errorCode: '5', errorMessage: 'Доступ запрещён' });
  if (behaviour.registerError) return res.json({ errorCode: behaviour.registerError.code, errorMessage: behaviour.registerError.message });
  if (!p.orderNumber || p.orderNumber.length > 32) return res.json({ errorCode: '4', errorMessage: 'Номер заказа не может быть пуст' });
  if (!/^\d{1,12}$/.test(p.amount ?? '') || Number(p.amount) === 0) return res.json({ errorCode: '4', errorMessage: 'Сумма заказа не может быть пустой' });
  if (!p.returnUrl || !/^https?:\/\//.test(p.returnUrl)) return res.json({ errorCode: '4', errorMessage: 'URL возврата не может быть пуст' });
  const orderId = randomUUID();
  const at = bank.now();
  const inserted = insertSandboxOrder(bank.db, {
    order_id: orderId,
    merchant: p.userName,
    order_number: p.orderNumber,
    amount: Number(p.amount),
    description: (p.description ?? '').slice(0, 200),
    email: p.email || null,
    return_url: p.returnUrl,
    fail_url: p.failUrl && /^https?:\/\//.test(p.failUrl) ? p.failUrl : null,
    callback_url: p.dynamicCallbackUrl && /^https?:\/\//.test(p.dynamicCallbackUrl) ? p.dynamicCallbackUrl : null,
    created_at: at,
    expires_at: at + sessionTimeout(bank, p.sessionTimeoutSecs),
    updated_at: at,
  });
  if (!inserted) return res.json({ errorCode: '1', errorMessage: 'Заказ с таким номером уже обработан' });
  const origin = `${req.protocol}://${req.get('host')}`;
  res.json({ orderId, formUrl: `${origin}/payment/merchants/sandbox/payment_ru.html?mdOrder=${orderId}` });
}

/** RBS sessionTimeoutSecs when given (at least a minute), else the bank's default. */
function sessionTimeout(bank: SandboxContext, asked: string | undefined): number {
  return asked && /^\d{1,7}$/.test(asked) && Number(asked) >= 60 ? Number(asked) : bank.sessionTimeout;
}

/** getOrderStatusExtended.do: the order's state, amount and card as the bank reports them. */
function orderStatusExtended(bank: SandboxContext, req: Request, res: Response) {
  const p = params(req);
  if (!authorised(bank, p)) return res.json({ errorCode: '5', errorMessage: 'Доступ запрещён' });
  const order = p.orderId ? current(bank, p.orderId) : undefined;
  if (!order || order.merchant !== p.userName) return res.json({ errorCode: '6', errorMessage: 'Заказ не найден' });
  res.json({
    errorCode: '0',
    errorMessage: 'Успешно',
    orderNumber: order.order_number,
    orderStatus: order.status,
    actionCode: order.action_code,
    actionCodeDescription: order.action_code === 0 ? '' : 'Операция отклонена',
    amount: order.amount + bank.behaviour.reportedAmountDelta,
    currency: '643',
    date: order.created_at * 1000,
    orderDescription: order.description,
    ...(order.masked_pan ? { cardAuthInfo: { maskedPan: order.masked_pan, expiration: '203012', cardholderName: 'CARD HOLDER' } } : {}),
    paymentAmountInfo: { paymentState: ['CREATED', 'APPROVED', 'DEPOSITED', 'REVERSED', 'REFUNDED', 'STARTED', 'DECLINED'][order.status], refundedAmount: order.refunded_amount },
  });
}
