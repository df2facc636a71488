// «Оплатить»: readings → amount, consent, e-mail → the bank's page → the result; the payments
// list; and the bank's callback. Every account page lives under /a/:link behind requireOwnLink.
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { AccountRow, MeterRow } from '../../db/accounts/accounts.ts';
import type { Services } from '../../services/index.ts';
import { amountInput, parseAmount } from '../../services/payments/payments.ts';
import type { CheckedReading } from '../../services/billing/readings.ts';
import { zoneNames } from '../../services/billing/tariffs.ts';
import { randomToken } from '../../services/platform/tokens.ts';
import { fields, keptValues, parseForm } from '../forms.ts';
import { requireOwnLink, requireUser } from '../middleware/auth-guards.ts';
import { requestContext } from '../request-context.ts';

const orderSchema = z.object({
  email: fields.email,
  consent: fields.checkbox('Отметьте согласие на обработку персональных данных: без него оплата невозможна'),
  formToken: z.string({ error: 'Форма устарела: откройте оплату заново' }).regex(/^[a-z2-7]{32}$/, 'Форма устарела: откройте оплату заново'),
});

const zoneFields = ['zone1', 'zone2', 'zone3'];

export function paymentRoutes(services: Services): Router {
  const router = Router();
  const { payments, readings, format } = services;

  // The bank's server calls this (GET with query parameters, as RBS does): no session, no form.
  router.get('/payments/callback', async (req, res) => {
    const params: Record<string, string> = {};
    for (const [key, value] of Object.entries(req.query as Record<string, unknown>)) if (typeof value === 'string') params[key] = value.slice(0, 200);
    const answer = await payments.callback(params, requestContext(req));
    res.status(answer.status).type('text/plain').send(answer.body);
  });

  const account = Router({ mergeParams: true });
  router.use('/a/:link', requireUser, requireOwnLink(services), account);

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
    });
  }

  account.get('/pay', (_req, res) => {
    const { meter } = subject(res);
    if (!meter) return renderOrder(res, 200, { reading: null });
    renderReadings(res, 200);
  });

  account.post('/pay', (req: Request, res: Response) => {
    const { account: row, meter } = subject(res);
    if (!meter) return renderOrder(res, 200, { reading: null });
    const body = (req.body ?? {}) as Record<string, unknown>;
    const values = keptValues(body, zoneFields.slice(0, meter.zones));
    const checked = readings.check(row, meter, body, body.confirm === 'yes');
    if (checked.kind === 'invalid') return renderReadings(res, 422, { values, errors: checked.errors });
    if (checked.kind === 'confirm') return renderReadings(res, 200, { values, confirmation: checked.confirmation });
    renderOrder(res, 200, { reading: checked });
  });

  account.post('/pay/order', async (req: Request, res: Response) => {
    const { account: row, meter } = subject(res);
    const body = (req.body ?? {}) as Record<string, unknown>;
    let reading: Extract<CheckedReading, { kind: 'valid' }> | null = null;
    if (meter) {
      // Checked again: the readings travel in hidden fields and another submission may have come first.
      const values = keptValues(body, zoneFields.slice(0, meter.zones));
      const checked = readings.check(row, meter, body, body.confirm === 'yes');
      if (checked.kind === 'invalid') {
        return renderReadings(res, 422, { values, errors: { form: 'Без показаний оплатить нельзя: у лицевого счёта есть прибор учёта. Введите показания.', ...checked.errors } });
      }
      if (checked.kind === 'confirm') return renderReadings(res, 200, { values, confirmation: checked.confirmation });
      reading = checked;
    }
    const values = keptValues(body, ['amount', 'email', 'consent']);
    const form = parseForm(orderSchema, body);
    const amount = parseAmount(body.amount, payments.limits, format.money);
    const errors: Record<string, string> = { ...(amount.ok ? {} : { amount: amount.message }), ...(form.ok ? {} : form.errors) };
    if (!amount.ok || !form.ok) {
      const ordered = Object.fromEntries(['amount', 'email', 'consent', 'formToken'].filter((k) => errors[k]).map((k) => [k, errors[k]]));
      if (ordered.formToken) ordered.form = ordered.formToken;
      delete ordered.formToken;
      return renderOrder(res, 422, { reading, values, errors: ordered });
    }
    const result = await payments.start({
      account: row,
      linkId: res.locals.link!.id,
      userId: res.locals.user!.id,
      formToken: form.data.formToken,
      amountKopecks: amount.kopecks,
      email: form.data.email,
      reading: reading && meter ? { meter, checked: reading } : null,
      context: requestContext(req),
    });
    if (result.kind === 'redirect') return res.redirect(303, result.location);
    if (result.kind === 'stale') return renderOrder(res, 409, { reading, values, errors: { form: 'Форма устарела: проверьте данные и нажмите «Перейти к оплате» ещё раз.' } });
    renderOrder(res, 502, {
      reading,
      values,
      failure: `${reading ? 'Показания сохранены. ' : ''}${result.message}`,
    });
  });

  account.get('/payments', (_req, res) => {
    const link = res.locals.link!;
    res.render('pages/payments/list', { title: 'Платежи', section: 'home', list: payments.list(link.account_id), labels: payments.statusLabels });
  });

  account.get('/payments/:payment', async (req, res) => {
    const link = res.locals.link!;
    const id = /^[1-9]\d{0,15}$/.test(String(req.params.payment)) ? Number(req.params.payment) : 0;
    let payment = payments.of(link.account_id, id);
    if (!payment) return res.status(404).render('pages/errors/not-found', { title: 'Страница не найдена' });
    let message: string | null = null;
    // The customer is back from the bank: ask the bank now rather than wait for its callback.
    if ((payment.status === 'created' || payment.status === 'pending') && payment.gateway_order_id) {
      const settled = await payments.settle(payment.gateway_order_id, requestContext(req));
      if (settled.kind === 'settled') payment = settled.payment;
      if (settled.kind === 'unavailable') message = settled.message;
      if (settled.kind === 'mismatch') message = 'Банк сообщил сумму, которая не совпадает с заказом. Платёж проверит специалист; деньги не потеряются.';
    }
    res.render('pages/payments/result', { title: 'Платёж', section: 'home', payment, label: payments.statusLabels[payment.status], message });
  });

  return router;
}
