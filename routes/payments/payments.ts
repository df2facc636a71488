// «Оплатить»: readings → amount, consent, e-mail → by card the bank's page, by СБП our page with
// the QR code → the result; the payments list; and the bank's callback. Every account page lives under /a/:link behind the ownership guard.
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { AccountRow, MeterRow } from '../../db/accounts/accounts.ts';
import type { Services } from '../../services/index.ts';
import { amountInput, parseAmount } from '../../services/payments/payments.ts';
import type { CheckedReading } from '../../services/billing/readings.ts';
import { zoneNames } from '../../services/billing/tariffs.ts';
import { randomToken } from '../../services/platform/tokens.ts';
import { fields, keptValues, parseForm } from '../forms.ts';
import { requestContext } from '../request-context.ts';

const orderSchema = z.object({
  email: fields.email,
  consent: fields.checkbox('Отметьте согласие на обработку персональных данных: без него оплата невозможна'),
  formToken: z.string({ error: 'Форма устарела: откройте оплату заново' }).regex(/^[a-z2-7]{32}$/, 'Форма устарела: откройте оплату заново'),
  // The button pressed: «Картой» or «По СБП» (a form from before СБП sends none: by card).
  method: z.enum(['card', 'sbp'], { error: 'Выберите способ оплаты: картой или по СБП' }).default('card'),
});

/** The box an СБП page polls into; htmx names it in HX-Target. */
const sbpTarget = 'sbp-wait';

const zoneFields = ['zone1', 'zone2', 'zone3'];

type ValidReading = Extract<CheckedReading, { kind: 'valid' }>;

/** The readings as step 1 checks them, and again at the order (they travel in hidden fields, and another submission may have come first). */
function recheckedReading(
  readings: Services['readings'],
  row: AccountRow,
  meter: MeterRow | undefined,
  body: Record<string, unknown>,
  formMessage?: string,
): { ok: true; reading: ValidReading | null } | { ok: false; status: number; page: Record<string, unknown> } {
  if (!meter) return { ok: true, reading: null };
  const values = keptValues(body, zoneFields.slice(0, meter.zones));
  const checked = readings.check(row, meter, body, body.confirm === 'yes');
  if (checked.kind === 'invalid') return { ok: false, status: 422, page: { values, errors: formMessage ? { form: formMessage, ...checked.errors } : checked.errors } };
  if (checked.kind === 'confirm') return { ok: false, status: 200, page: { values, confirmation: checked.confirmation } };
  return { ok: true, reading: checked };
}

/** The amount, the e-mail for the receipt, the consent and the form's token; errors in the form's order. */
function parseOrder(body: Record<string, unknown>, limits: Services['payments']['limits'], money: (kopecks: number) => string) {
  const form = parseForm(orderSchema, body);
  const amount = parseAmount(body.amount, limits, money);
  if (amount.ok && form.ok) return { ok: true as const, amountKopecks: amount.kopecks, email: form.data.email, formToken: form.data.formToken, method: form.data.method };
  const errors: Record<string, string> = { ...(amount.ok ? {} : { amount: amount.message }), ...(form.ok ? {} : form.errors) };
  const ordered = Object.fromEntries(['amount', 'email', 'consent', 'formToken', 'method'].filter((k) => errors[k]).map((k) => [k, errors[k]]));
  if (ordered.formToken || ordered.method) ordered.form = ordered.formToken ?? ordered.method;
  delete ordered.formToken;
  delete ordered.method;
  return { ok: false as const, errors: ordered };
}

/** The bank's server calls this (GET with query parameters, as RBS does): no session, no form. */
export function paymentCallbackRoutes(services: Services): Router {
  const router = Router();
  router.get('/payments/callback', async (req, res) => {
    const params: Record<string, string> = {};
    for (const [key, value] of Object.entries(req.query as Record<string, unknown>)) if (typeof value === 'string') params[key] = value.slice(0, 200);
    const answer = await services.payments.callback(params, requestContext(req));
    res.status(answer.status).type('text/plain').send(answer.body);
  });
  return router;
}

/** Mounted under /a/:link behind the ownership guard. */
export function paymentRoutes(services: Services): Router {
  const { payments, readings, format } = services;
  const account = Router({ mergeParams: true });

  function subject(res: Response): { account: AccountRow; meter: MeterRow | undefined } {
    return readings.subject(res.locals.link!.account_id);
  }

  /** Step 1: the readings, as on «Передать», with the same rules and confirmation. */
  function renderReadings(res: Response, status: number, extra: Record<string, unknown> = {}) {
    const { account: row, meter } = subject(res);
    res.status(status).render('pages/payments/readings', {
      title: 'Оплатить',
      section: 'home',
      form: readings.form(row, meter!),
      values: {},
      errors: {},
      confirmation: null,
      ...extra,
    });
  }

  /** Step 2: the amount computed, the consent and the e-mail; one form token per rendering. */
  function renderOrder(res: Response, status: number, input: { reading: Extract<CheckedReading, { kind: 'valid' }> | null; values?: Record<string, string>; errors?: Record<string, string>; failure?: string }) {
    const { account: row, meter } = subject(res);
    const quote = payments.quote(row, meter, input.reading?.consumption ?? null);
    const values = {
      amount: quote.suggestedKopecks === null ? '' : amountInput(quote.suggestedKopecks),
      email: res.locals.user!.email,
      consent: '',
      ...input.values,
    };
    res.status(status).render('pages/payments/order', {
      title: 'Оплатить',
      section: 'home',
      meter,
      reading: input.reading,
      zoneNames: meter ? zoneNames[meter.zones] : [],
      period: readings.timingFor(row.id).period,
      quote,
      limits: payments.limits,
      values,
      errors: input.errors ?? {},
      failure: input.failure ?? null,
      formToken: randomToken(),
      sbpEnabled: payments.sbpEnabled,
    });
  }

  account.get('/pay', (_req, res) => {
    const { meter } = subject(res);
    if (!meter) return renderOrder(res, 200, { reading: null });
    renderReadings(res, 200);
  });

  account.post('/pay', (req: Request, res: Response) => {
    const { account: row, meter } = subject(res);
    const recheck = recheckedReading(readings, row, meter, (req.body ?? {}) as Record<string, unknown>);
    if (!recheck.ok) return renderReadings(res, recheck.status, recheck.page);
    renderOrder(res, 200, { reading: recheck.reading });
  });

  account.post('/pay/order', async (req: Request, res: Response) => {
    const { account: row, meter } = subject(res);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const recheck = recheckedReading(readings, row, meter, body, 'Без показаний оплатить нельзя: у лицевого счёта есть прибор учёта. Введите показания.');
    if (!recheck.ok) return renderReadings(res, recheck.status, recheck.page);
    const { reading } = recheck;
    const values = keptValues(body, ['amount', 'email', 'consent']);
    const order = parseOrder(body, payments.limits, format.money);
    if (!order.ok) return renderOrder(res, 422, { reading, values, errors: order.errors });
    const result = await payments.start({
      account: row,
      linkId: res.locals.link!.id,
      userId: res.locals.user!.id,
      formToken: order.formToken,
      amountKopecks: order.amountKopecks,
      email: order.email,
      reading: reading && meter ? { meter, checked: reading } : null,
      context: requestContext(req),
      method: order.method,
    });
    if (result.kind === 'redirect' || result.kind === 'finished') return res.redirect(303, result.location);
    if (result.kind === 'stale') return renderOrder(res, 409, { reading, values, errors: { form: 'Форма устарела: проверьте данные и нажмите «Перейти к оплате» ещё раз.' } });
    renderOrder(res, 502, { reading, values, failure: `${reading ? 'Показания сохранены. ' : ''}${result.message}` });
  });

  account.get('/payments', (_req, res) => {
    const link = res.locals.link!;
    res.render('pages/payments/list', { title: 'Платежи', section: 'home', list: payments.list(link.account_id), labels: payments.statusLabels });
  });

  /** The account's payment named in the URL; undefined when it is not this account's. */
  function paymentOf(req: Request, res: Response) {
    const id = /^[1-9]\d{0,15}$/.test(String(req.params.payment)) ? Number(req.params.payment) : 0;
    return payments.of(res.locals.link!.account_id, id);
  }

  /** The account's payment named in the URL, asked about at the bank while unsettled; undefined when not its. */
  async function currentPayment(req: Request, res: Response, options: { image: boolean }) {
    let payment = paymentOf(req, res);
    if (!payment) return undefined;
    let message: string | null = null;
    // Back from the bank, or waiting on the СБП page: ask the bank now rather than wait for its callback.
    if ((payment.status === 'created' || payment.status === 'pending') && payment.gateway_order_id) {
      const settled = await payments.settle(payment.gateway_order_id, requestContext(req));
      if (settled.kind === 'settled') payment = settled.payment;
      if (settled.kind === 'unavailable') message = settled.message;
      if (settled.kind === 'mismatch') message = 'Банк сообщил сумму, которая не совпадает с заказом. Платёж проверит специалист; деньги не потеряются.';
    }
    return { payment, message, sbp: await payments.sbpView(payment, options) };
  }

  account.get('/payments/:payment', async (req, res) => {
    const polled = req.get('HX-Request') === 'true' && req.get('HX-Target') === sbpTarget;
    // A poll answers the waiting box only: the QR picture is drawn for the whole page.
    const found = await currentPayment(req, res, { image: !polled });
    if (!found) return res.status(404).render('pages/errors/not-found', { title: 'Страница не найдена' });
    const { payment, message, sbp } = found;
    // Paid (or ended) while the СБП page polled: htmx loads the whole result page.
    if (polled && !sbp?.waiting) return res.set('HX-Redirect', req.originalUrl).status(204).end();
    const polls = /^\d{1,4}$/.test(String(req.query.poll ?? '')) ? Number(req.query.poll) : 0;
    const locals = { title: sbp ? 'Оплата по СБП' : 'Платёж', section: 'home', payment, label: payments.statusLabels[payment.status], message, sbp: sbp && { ...sbp, polls }, sbpTarget };
    if (polled) return res.render('pages/payments/_sbp-wait', locals);
    res.render(sbp ? 'pages/payments/sbp' : 'pages/payments/result', locals);
  });

  /** «Проверить оплату» without JS: the page it leads back to asks the bank (once). */
  account.post('/payments/:payment/check', (req, res) => {
    const payment = paymentOf(req, res);
    if (!payment) return res.status(404).render('pages/errors/not-found', { title: 'Страница не найдена' });
    res.redirect(303, `/a/${res.locals.link!.id}/payments/${payment.id}`);
  });

  return account;
}
