// Readings without logging in, linked from the login page: /readings takes the account number and
// the meter's serial, /readings/submit is that meter's readings form, /readings/done its result.
// The proof travels as an HttpOnly cookie naming a server-side grant; no account id is in a page.
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { grantSeconds, withoutLoginMessages } from '../../services/billing/readings-without-login.ts';
import { readingDoneLocals } from './reading-done.ts';
import type { Services } from '../../services/index.ts';
import { fields, keptValues, parseForm } from '../forms.ts';
import type { CookieSettings } from '../middleware/cookies.ts';
import { requestContext } from '../request-context.ts';

const proofSchema = z.object({
  accountNumber: fields.accountNumber,
  proof: z.string({ error: 'Введите заводской номер счётчика' }).trim().min(1, 'Введите заводской номер счётчика').max(40, 'Слишком длинное значение'),
});

const notices: Record<string, string> = {
  expired: 'Время на передачу показаний истекло или показания уже переданы. Введите номер лицевого счёта и номер счётчика ещё раз.',
};

const proofTitle = 'Передать показания без входа';
const formOptions = { action: '/readings/submit', checkUrl: '/readings/submit/check', guest: true };

export function readingsWithoutLoginRoutes(services: Services, cookies: CookieSettings): Router {
  const router = Router();
  const guest = services.readingsWithoutLogin;
  const tokenOf = (req: Request): unknown => req.cookies?.[cookies.readingsName];
  const expired = (res: Response) => res.redirect(303, '/readings?notice=expired');

  // What a grant opens is never kept by a browser or a proxy (a shared computer's back button).
  router.use(['/readings/submit', '/readings/done'], (_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });

  router.get('/readings', (req, res) => {
    res.render('pages/readings/proof', { title: proofTitle, values: {}, errors: {}, notice: notices[String(req.query.notice ?? '')] });
  });

  router.post('/readings', (req, res) => {
    const values = keptValues(req.body, ['accountNumber', 'proof']);
    const form = parseForm(proofSchema, req.body);
    if (!form.ok) return res.status(422).render('pages/readings/proof', { title: proofTitle, values, errors: form.errors });
    const result = guest.prove(form.data.accountNumber, form.data.proof, requestContext(req));
    if (result.kind === 'throttled') return res.status(429).render('pages/readings/proof', { title: proofTitle, values, errors: { form: result.message } });
    if (result.kind === 'wrong') return res.status(422).render('pages/readings/proof', { title: proofTitle, values, errors: { proof: withoutLoginMessages.wrongProof } });
    res.cookie(cookies.readingsName, result.token, { ...cookies.base, maxAge: grantSeconds * 1000 });
    res.redirect(303, '/readings/submit');
  });

  function renderForm(req: Request, res: Response, status: number, extra: Record<string, unknown> = {}) {
    const view = guest.form(tokenOf(req));
    if (view.kind === 'none') return expired(res);
    if (view.kind === 'used') return res.redirect(303, '/readings/done');
    res.status(status).render('pages/cabinet/readings', {
      title: 'Передать показания',
      ...formOptions,
      accountNumber: view.accountNumber,
      meter: view.meter,
      form: view.form,
      values: {},
      errors: {},
      confirmation: null,
      ...extra,
    });
  }

  router.get('/readings/submit', (req, res) => renderForm(req, res, 200));

  router.post('/readings/submit', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const result = guest.check(tokenOf(req), body, body.confirm === 'yes');
    if (result.kind === 'none') return expired(res);
    const { checked, meter } = result;
    const values = keptValues(body, ['zone1', 'zone2', 'zone3'].slice(0, meter.zones));
    if (checked.kind === 'invalid') return renderForm(req, res, 422, { values, errors: checked.errors });
    if (checked.kind === 'confirm') return renderForm(req, res, 200, { values, confirmation: checked.confirmation });
    const seq = await guest.submitGrouped(tokenOf(req), checked, requestContext(req));
    if (seq === null) return expired(res);
    res.redirect(303, '/readings/done');
  });

  // htmx: one zone's field checked as the visitor leaves it; without JS the whole form is checked on submit.
  router.post('/readings/submit/check', (req, res) => {
    const zone = Number(req.query.zone);
    const value: unknown = (req.body ?? {})[`zone${zone}`];
    const result = guest.checkField(tokenOf(req), zone, value);
    if (!result) return res.status(404).render('pages/errors/not-found', { title: 'Страница не найдена' });
    res.render('pages/cabinet/reading-field', {
      ...formOptions,
      zone: result.field,
      zones: result.meter.zones,
      digits: result.meter.digits,
      value: typeof value === 'string' ? value.slice(0, 20) : '',
      error: result.error,
    });
  });

  router.get('/readings/done', (req, res) => {
    const result = guest.done(tokenOf(req));
    if (!result) return expired(res);
    res.render('pages/cabinet/reading-done', { ...readingDoneLocals(result.rows, result.meter, result.estimate), guest: true });
  });

  return router;
}
