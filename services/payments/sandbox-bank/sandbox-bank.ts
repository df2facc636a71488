// The built-in sandbox bank: a small separate HTTP service speaking the RBS REST protocol
// (register.do, getOrderStatusExtended.do, refund.do, reverse.do), with its own hosted payment
// page (works with JS off), a 3-D Secure-like code step, redirects back and signed callbacks.
// Test cards: 4111 1111 1111 1111 pays, 4000 0000 0000 0002 is declined, 5555 5555 5555 4444
// asks for the code 123456. For tests it can misbehave on demand (see SandboxBehaviour).
import ejs from 'ejs';
import express, { type Express, type Request, type Response } from 'express';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Db } from '../../../db/connection.ts';
import { countSandboxCodeAttempt, getSandboxOrder, insertSandboxOrder, moveSandboxOrder, type SandboxOrderRow } from '../../../db/payments/sandbox-bank.ts';
import { bankStatus, callbackChecksum } from '../gateway.ts';

export type SandboxBehaviour = {
  /** Send callbacks at all (off: the app must find out by asking, e.g. after a crash). */
  callbacks: boolean;
  /** Wait this long before each callback (a late one). */
  callbackDelayMs: number;
  /** Extra copies of every callback, sent at once. */
  duplicateCallbacks: number;
  /** Sign callbacks with a wrong key. */
  wrongChecksum: boolean;
  /** Answer register.do with this error instead of registering. */
  registerError: { code: string; message: string } | null;
  /** Wait this long before answering the API (to test the client's timeout). */
  answerDelayMs: number;
  /** Report this much more than the order's amount in getOrderStatusExtended.do. */
  reportedAmountDelta: number;
};

export const defaultBehaviour: SandboxBehaviour = {
  callbacks: true,
  callbackDelayMs: 0,
  duplicateCallbacks: 0,
  wrongChecksum: false,
  registerError: null,
  answerDelayMs: 0,
  reportedAmountDelta: 0,
};

export type SandboxDeps = {
  db: Db;
  username: string;
  password: string;
  callbackKey: string;
  /** An unpaid order expires (status 6) after this long, as RBS's sessionTimeoutSecs. */
  sessionTimeoutSeconds?: number;
  behaviour?: Partial<SandboxBehaviour>;
  now?: () => number;
  log?: (message: string, error?: unknown) => void;
};

export type SandboxBank = ReturnType<typeof createSandboxBank>;

const viewsDir = fileURLToPath(new URL('../../../views/pages/sandbox-bank/', import.meta.url));
const codeForConfirmation = '123456';
const cards = { success: '4111111111111111', declined: '4000000000000002', confirmation: '5555555555554444' };

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

function formatRubles(kopecks: number): string {
  return new Intl.NumberFormat('ru-RU', { style: 'currency', currency: 'RUB' }).format(kopecks / 100);
}

function withOrderId(url: string, orderId: string): string {
  const target = new URL(url);
  target.searchParams.set('orderId', orderId);
  target.searchParams.set('lang', 'ru');
  return target.href;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createSandboxBank(deps: SandboxDeps) {
  const { db } = deps;
  const now = () => Math.floor((deps.now ?? Date.now)() / 1000);
  const sessionTimeout = deps.sessionTimeoutSeconds ?? 1200;
  const behaviour: SandboxBehaviour = { ...defaultBehaviour, ...deps.behaviour };
  const log = deps.log ?? ((message: string, error?: unknown) => console.error(`sandbox bank: ${message}`, error ?? ''));
  const inFlight = new Set<Promise<unknown>>();
  const app: Express = express();
  app.set('x-powered-by', false);
  app.use(express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 50 }));

  /** The order as the bank sees it now: an unpaid one past its session is declined by timeout. */
  function current(orderId: string): SandboxOrderRow | undefined {
    const order = getSandboxOrder(db, orderId);
    if (order && order.status === bankStatus.registered && order.expires_at <= now()) {
      if (moveSandboxOrder(db, orderId, [bankStatus.registered], { status: bankStatus.declined, action_code: -2007, at: now() })) {
        notify(orderId, 'declinedByTimeout', 0);
      }
      return getSandboxOrder(db, orderId);
    }
    return order;
  }

  /** The callback's query parameters, signed (or, on demand, wrongly signed). */
  function callbackParams(order: SandboxOrderRow, operation: string, status: 0 | 1, options: { wrongChecksum?: boolean } = {}): Record<string, string> {
    const params: Record<string, string> = { mdOrder: order.order_id, orderNumber: order.order_number, operation, status: String(status) };
    const key = options.wrongChecksum ?? behaviour.wrongChecksum ? `${deps.callbackKey}-forged` : deps.callbackKey;
    return { ...params, checksum: callbackChecksum(params, key) };
  }

  async function deliver(url: string, params: Record<string, string>): Promise<number> {
    const target = new URL(url);
    for (const [k, v] of Object.entries(params)) target.searchParams.set(k, v);
    try {
      const response = await fetch(target, { signal: AbortSignal.timeout(10_000) });
      await response.arrayBuffer();
      return response.status;
    } catch (error) {
      log(`callback to ${target.origin} failed`, (error as Error).message);
      return 0;
    }
  }

  function track<T>(promise: Promise<T>): Promise<T> {
    inFlight.add(promise);
    void promise.finally(() => inFlight.delete(promise));
    return promise;
  }

  /** Sends the callbacks for a change of state, as the behaviour says (never awaited by the page). */
  function notify(orderId: string, operation: string, status: 0 | 1): void {
    const order = getSandboxOrder(db, orderId);
    if (!order?.callback_url || !behaviour.callbacks) return;
    const params = callbackParams(order, operation, status);
    const copies = 1 + behaviour.duplicateCallbacks;
    const delay = behaviour.callbackDelayMs;
    track(
      (async () => {
        if (delay > 0) await sleep(delay);
        await Promise.all(Array.from({ length: copies }, () => deliver(order.callback_url!, params)));
      })(),
    );
  }

  function render(res: Response, status: number, view: string, data: Record<string, unknown>, formTarget?: string): void {
    const formAction = ["'self'", formTarget ? new URL(formTarget).origin : ''].filter(Boolean).join(' ');
    res.setHeader('Content-Security-Policy', `default-src 'none'; style-src 'self'; img-src 'self'; form-action ${formAction}; frame-ancestors 'none'; base-uri 'none'`);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    ejs.renderFile(`${viewsDir}${view}.ejs`, { ...data, money: formatRubles }, { root: viewsDir, cache: true }, (error, html) => {
      if (error) {
        log('render failed', error);
        res.status(500).type('text/plain; charset=utf-8').send('Ошибка платёжной страницы');
        return;
      }
      res.status(status).type('html').send(html);
    });
  }

  // --- The REST API (x-www-form-urlencoded POST, as RBS; GET with a query works too) ---

  function params(req: Request): Record<string, string> {
    const source = { ...(req.query as Record<string, unknown>), ...((req.body ?? {}) as Record<string, unknown>) };
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(source)) if (typeof v === 'string') out[k] = v;
    return out;
  }

  function authorised(p: Record<string, string>): boolean {
    return p.userName === deps.username && p.password === deps.password;
  }

  const api = express.Router();
  api.use(async (_req, _res, next) => {
    if (behaviour.answerDelayMs > 0) await sleep(behaviour.answerDelayMs);
    next();
  });

  api.all('/register.do', (req, res) => {
    const p = params(req);
    if (!authorised(p)) return res.json({ errorCode: '5', errorMessage: 'Доступ запрещён' });
    if (behaviour.registerError) return res.json({ errorCode: behaviour.registerError.code, errorMessage: behaviour.registerError.message });
    if (!p.orderNumber || p.orderNumber.length > 32) return res.json({ errorCode: '4', errorMessage: 'Номер заказа не может быть пуст' });
    if (!/^\d{1,12}$/.test(p.amount ?? '') || Number(p.amount) === 0) return res.json({ errorCode: '4', errorMessage: 'Сумма заказа не может быть пустой' });
    if (!p.returnUrl || !/^https?:\/\//.test(p.returnUrl)) return res.json({ errorCode: '4', errorMessage: 'URL возврата не может быть пуст' });
    const orderId = randomUUID();
    const at = now();
    const inserted = insertSandboxOrder(db, {
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
      expires_at: at + sessionTimeout,
      updated_at: at,
    });
    if (!inserted) return res.json({ errorCode: '1', errorMessage: 'Заказ с таким номером уже обработан' });
    const origin = `${req.protocol}://${req.get('host')}`;
    res.json({ orderId, formUrl: `${origin}/payment/merchants/sandbox/payment_ru.html?mdOrder=${orderId}` });
  });

  api.all('/getOrderStatusExtended.do', (req, res) => {
    const p = params(req);
    if (!authorised(p)) return res.json({ errorCode: '5', errorMessage: 'Доступ запрещён' });
    const order = p.orderId ? current(p.orderId) : undefined;
    if (!order || order.merchant !== p.userName) return res.json({ errorCode: '6', errorMessage: 'Заказ не найден' });
    res.json({
      errorCode: '0',
      errorMessage: 'Успешно',
      orderNumber: order.order_number,
      orderStatus: order.status,
      actionCode: order.action_code,
      actionCodeDescription: order.action_code === 0 ? '' : 'Операция отклонена',
      amount: order.amount + behaviour.reportedAmountDelta,
      currency: '643',
      date: order.created_at * 1000,
      orderDescription: order.description,
      ...(order.masked_pan ? { cardAuthInfo: { maskedPan: order.masked_pan, expiration: '203012', cardholderName: 'CARD HOLDER' } } : {}),
      paymentAmountInfo: { paymentState: ['CREATED', 'APPROVED', 'DEPOSITED', 'REVERSED', 'REFUNDED', 'STARTED', 'DECLINED'][order.status], refundedAmount: order.refunded_amount },
    });
  });

  api.all('/refund.do', (req, res) => {
    const p = params(req);
    if (!authorised(p)) return res.json({ errorCode: '5', errorMessage: 'Доступ запрещён' });
    res.json(refund(p.orderId ?? '') ? { errorCode: '0', errorMessage: 'Успешно' } : { errorCode: '7', errorMessage: 'Неверное состояние заказа' });
  });

  api.all('/reverse.do', (req, res) => {
    const p = params(req);
    if (!authorised(p)) return res.json({ errorCode: '5', errorMessage: 'Доступ запрещён' });
    res.json(reverse(p.orderId ?? '') ? { errorCode: '0', errorMessage: 'Успешно' } : { errorCode: '7', errorMessage: 'Неверное состояние заказа' });
  });

  app.use('/payment/rest', api);

  // --- The hosted payment page ---

  const pagePath = '/payment/merchants/sandbox/payment_ru.html';
  const codePath = '/payment/merchants/sandbox/acs.html';

  app.get('/payment/static/bank.css', (_req, res) => {
    res.type('text/css').setHeader('Cache-Control', 'public, max-age=3600');
    res.send(css);
  });

  function finished(res: Response, order: SandboxOrderRow): void {
    const paid = order.status === bankStatus.deposited;
    res.redirect(303, withOrderId(paid ? order.return_url : (order.fail_url ?? order.return_url), order.order_id));
  }

  function showPayPage(res: Response, order: SandboxOrderRow, status = 200, extra: Record<string, unknown> = {}): void {
    render(res, status, 'pay', { order, pagePath, error: null, pan: '', cards, ...extra }, order.return_url);
  }

  app.get(pagePath, (req, res) => {
    const order = current(String(req.query.mdOrder ?? ''));
    if (!order) return render(res, 404, 'gone', { message: 'Заказ не найден. Вернитесь в магазин и начните оплату заново.' });
    if (order.status === bankStatus.authorizing) return res.redirect(303, `${codePath}?mdOrder=${order.order_id}`);
    if (order.status !== bankStatus.registered) return finished(res, order);
    showPayPage(res, order);
  });

  app.post(pagePath, (req, res) => {
    const p = params(req);
    const order = current(p.mdOrder ?? '');
    if (!order) return render(res, 404, 'gone', { message: 'Заказ не найден. Вернитесь в магазин и начните оплату заново.' });
    if (order.status !== bankStatus.registered) return finished(res, order);
    const at = now();
    if (p.action === 'decline') {
      moveSandboxOrder(db, order.order_id, [bankStatus.registered], { status: bankStatus.declined, action_code: -2019, at });
      notify(order.order_id, 'declinedByTimeout', 0);
      return finished(res, getSandboxOrder(db, order.order_id)!);
    }
    const pan = (p.pan ?? '').replace(/[\s-]/g, '');
    if (!/^\d{16,19}$/.test(pan) || !luhn(pan)) {
      return showPayPage(res, order, 422, { error: 'Проверьте номер карты: 16–19 цифр', pan: (p.pan ?? '').slice(0, 30) });
    }
    if (pan === cards.declined) {
      moveSandboxOrder(db, order.order_id, [bankStatus.registered], { status: bankStatus.declined, action_code: 116, masked_pan: maskPan(pan), at });
      notify(order.order_id, 'deposited', 0);
      return finished(res, getSandboxOrder(db, order.order_id)!);
    }
    if (pan === cards.confirmation) {
      moveSandboxOrder(db, order.order_id, [bankStatus.registered], { status: bankStatus.authorizing, masked_pan: maskPan(pan), at });
      return res.redirect(303, `${codePath}?mdOrder=${order.order_id}`);
    }
    moveSandboxOrder(db, order.order_id, [bankStatus.registered], { status: bankStatus.deposited, action_code: 0, masked_pan: maskPan(pan), at });
    notify(order.order_id, 'deposited', 1);
    finished(res, getSandboxOrder(db, order.order_id)!);
  });

  app.get(codePath, (req, res) => {
    const order = current(String(req.query.mdOrder ?? ''));
    if (!order) return render(res, 404, 'gone', { message: 'Заказ не найден.' });
    if (order.status !== bankStatus.authorizing) return finished(res, order);
    render(res, 200, 'code', { order, codePath, error: null }, order.return_url);
  });

  app.post(codePath, (req, res) => {
    const p = params(req);
    const order = current(p.mdOrder ?? '');
    if (!order) return render(res, 404, 'gone', { message: 'Заказ не найден.' });
    if (order.status !== bankStatus.authorizing) return finished(res, order);
    const at = now();
    if (p.action === 'decline') {
      moveSandboxOrder(db, order.order_id, [bankStatus.authorizing], { status: bankStatus.declined, action_code: -2006, at });
      notify(order.order_id, 'deposited', 0);
      return finished(res, getSandboxOrder(db, order.order_id)!);
    }
    if ((p.code ?? '').trim() !== codeForConfirmation) {
      if (countSandboxCodeAttempt(db, order.order_id) >= 3) {
        moveSandboxOrder(db, order.order_id, [bankStatus.authorizing], { status: bankStatus.declined, action_code: -2006, at });
        notify(order.order_id, 'deposited', 0);
        return finished(res, getSandboxOrder(db, order.order_id)!);
      }
      return render(res, 422, 'code', { order, codePath, error: 'Неверный код. Проверьте код из SMS и введите его ещё раз.' }, order.return_url);
    }
    moveSandboxOrder(db, order.order_id, [bankStatus.authorizing], { status: bankStatus.deposited, action_code: 0, at });
    notify(order.order_id, 'deposited', 1);
    finished(res, getSandboxOrder(db, order.order_id)!);
  });

  app.use((_req, res) => render(res, 404, 'gone', { message: 'Страница не найдена.' }));

  function refund(orderId: string): boolean {
    const order = getSandboxOrder(db, orderId);
    if (!order || !moveSandboxOrder(db, orderId, [bankStatus.deposited], { status: bankStatus.refunded, refunded_amount: order.amount, at: now() })) return false;
    notify(orderId, 'refunded', 1);
    return true;
  }

  function reverse(orderId: string): boolean {
    if (!moveSandboxOrder(db, orderId, [bankStatus.held, bankStatus.deposited], { status: bankStatus.reversed, at: now() })) return false;
    notify(orderId, 'reversed', 1);
    return true;
  }

  return {
    app,
    behaviour,
    order: (orderId: string) => getSandboxOrder(db, orderId),
    refund,
    reverse,
    /** The parameters a callback for this order would carry (to replay, reorder or forge one). */
    callbackParams: (orderId: string, operation: string, status: 0 | 1, options?: { wrongChecksum?: boolean }) => callbackParams(getSandboxOrder(db, orderId)!, operation, status, options),
    /** Sends one callback now and resolves with the app's HTTP status. */
    sendCallback(orderId: string, operation = 'deposited', status: 0 | 1 = 1, options: { wrongChecksum?: boolean } = {}): Promise<number> {
      const order = getSandboxOrder(db, orderId)!;
      return track(deliver(order.callback_url!, callbackParams(order, operation, status, options)));
    },
    /** Resolves when every callback sent so far has been answered. */
    async idle(): Promise<void> {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}

export type RunningSandboxBank = SandboxBank & { origin: string; gatewayUrl: string; port: number; server: Server; close(): Promise<void> };

/** Listens on 127.0.0.1 (port 0: any free one); gatewayUrl is what PAYMENT_GATEWAY_URL would be. */
export async function startSandboxBank(deps: SandboxDeps, options: { port?: number; host?: string; server?: Server } = {}): Promise<RunningSandboxBank> {
  const bank = createSandboxBank(deps);
  const server = options.server ?? createServer();
  if (!server.listening) await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
  server.on('request', bank.app);
  const { port } = server.address() as AddressInfo;
  const origin = `http://${options.host ?? '127.0.0.1'}:${port}`;
  return {
    ...bank,
    origin,
    gatewayUrl: `${origin}/payment/rest/`,
    port,
    server,
    async close() {
      await bank.idle();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
