// The cabinet under /a/<link>/: Главная, Информация, readings, linked accounts.
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Services } from '../../services/index.ts';
import { readingDoneLocals } from '../billing/reading-done.ts';
import { fields, keptValues, parseForm } from '../forms.ts';
import { requireUser } from '../middleware/auth-guards.ts';
import { requestContext } from '../request-context.ts';

/** The manual's sections, in the order of the cabinet's navigation. */
export const cabinetSections = [
  { path: '', name: 'home', title: 'Главная' },
  { path: 'info', name: 'info', title: 'Информация' },
  { path: 'history', name: 'history', title: 'История' },
  { path: 'settings', name: 'settings', title: 'Настройки' },
  { path: 'support', name: 'support', title: 'Центр поддержки' },
] as const;

const linkSchema = z.object({ accountNumber: fields.accountNumber, proof: fields.proof });

/** GET /switch?link=…&section=…: the account switcher's form, which works without JS. */
export function accountSwitchRoutes(): Router {
  const router = Router();
  router.get('/switch', requireUser, (req, res) => {
    const target = res.locals.links!.find((link) => String(link.id) === String(req.query.link));
    const section = cabinetSections.find((s) => s.path === req.query.section)?.path ?? '';
    if (!target) return res.status(404).render('pages/errors/not-found', { title: 'Страница не найдена' });
    res.redirect(303, `/a/${target.id}/${section}`);
  });
  return router;
}

/** Mounted under /a/:link behind the ownership guard. */
export function cabinetRoutes(services: Services): Router {
  const { readings, overview, cabinet } = services;
  const account = Router({ mergeParams: true });

  account.get('/', async (_req, res) => {
    res.render('pages/cabinet/home', { title: 'Главная', section: 'home', view: await overview.of(res.locals.link!.account_id) });
  });

  account.get('/info', async (_req, res) => {
    res.render('pages/cabinet/info', { title: 'Информация', section: 'info', view: await overview.of(res.locals.link!.account_id) });
  });

  function renderReadings(res: Response, status: number, extra: Record<string, unknown> = {}) {
    const { account: accountRow, meter } = readings.subject(res.locals.link!.account_id);
    res.status(status).render('pages/cabinet/readings', {
      title: 'Передать показания',
      section: 'home',
      meter,
      form: meter ? readings.form(accountRow, meter) : null,
      normKwh: accountRow.norm_kwh,
      values: {},
      errors: {},
      confirmation: null,
      ...extra,
    });
  }

  account.get('/readings', (_req, res) => renderReadings(res, 200));

  account.post('/readings', async (req: Request, res: Response) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const { account: accountRow, meter, checked } = await readings.checkSubmission(res.locals.link!.account_id, body, body.confirm === 'yes');
    if (!meter || !checked) return renderReadings(res, 422, { errors: { form: 'У лицевого счёта нет прибора учёта: начисления идут по нормативу.' } });
    const values = keptValues(body, ['zone1', 'zone2', 'zone3'].slice(0, meter.zones));
    if (checked.kind === 'invalid') return renderReadings(res, 422, { values, errors: checked.errors });
    if (checked.kind === 'confirm') return renderReadings(res, 200, { values, confirmation: checked.confirmation });
    const seq = await readings.submitGrouped(accountRow, meter, checked, { userId: res.locals.user!.id, source: 'customer' }, requestContext(req));
    res.redirect(303, `/a/${res.locals.link!.id}/readings/${seq}`);
  });

  // htmx: one zone's field checked as the customer leaves it; without JS the whole form is checked on submit.
  account.post('/readings/check', (req, res) => {
    const { account: accountRow, meter } = readings.subject(res.locals.link!.account_id);
    const zone = Number(req.query.zone);
    const value: unknown = (req.body ?? {})[`zone${zone}`];
    const checked = meter ? readings.checkField(accountRow, meter, zone, value) : null;
    if (!meter || !checked) return res.status(404).render('pages/errors/not-found', { title: 'Страница не найдена' });
    res.render('pages/cabinet/reading-field', {
      zone: checked.field,
      zones: meter.zones,
      digits: meter.digits,
      value: typeof value === 'string' ? value.slice(0, 20) : '',
      error: checked.error,
    });
  });

  account.get('/readings/:seq', (req, res) => {
    const { account: accountRow, meter } = readings.subject(res.locals.link!.account_id);
    const seq = /^\d{1,9}$/.test(String(req.params.seq)) ? Number(req.params.seq) : 0;
    const rows = meter ? readings.submission(accountRow.id, seq) : [];
    if (!meter || rows.length === 0 || rows[0].meter_id !== meter.id) {
      return res.status(404).render('pages/errors/not-found', { title: 'Страница не найдена' });
    }
    const consumption = readings.consumptionOf(accountRow.id, meter, rows);
    res.render('pages/cabinet/reading-done', { ...readingDoneLocals(rows, meter, readings.estimate(accountRow, meter, consumption)), section: 'home' });
  });

  account.get('/accounts/new', (_req, res) => {
    res.render('pages/cabinet/link-account', { title: 'Подключить лицевой счёт', section: 'home', values: {}, errors: {} });
  });

  account.post('/accounts/new', (req, res) => {
    const values = keptValues(req.body, ['accountNumber', 'proof']);
    const form = parseForm(linkSchema, req.body);
    const result = form.ok ? cabinet.linkAccount(res.locals.user!.id, form.data, requestContext(req)) : form;
    if (!result.ok) {
      return res.status(422).render('pages/cabinet/link-account', { title: 'Подключить лицевой счёт', section: 'home', values, errors: result.errors });
    }
    res.redirect(303, `/a/${result.linkId}/`);
  });

  return account;
}
