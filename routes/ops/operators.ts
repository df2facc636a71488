// The back office under /ops: operator login (password + TOTP) and the review of readings.
import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { Services } from '../../services/index.ts';
import { keptValues, parseForm } from '../forms.ts';
import type { CookieSettings } from '../middleware/cookies.ts';
import { requestContext } from '../request-context.ts';

const loginSchema = z.object({
  login: z.string().trim().min(1, 'Введите логин').max(100, 'Слишком длинный логин'),
  password: z.string().min(1, 'Введите пароль').max(1024, 'Неверный логин, пароль или код из приложения.'),
  code: z.string().trim().regex(/^\d{6}$/, 'Код из приложения — 6 цифр'),
});

const decisionSchema = z
  .object({
    accountId: z.coerce.number().int().positive(),
    seq: z.coerce.number().int().positive(),
    decision: z.enum(['accept', 'reject']),
    reason: z.string().trim().max(500, 'Причина — не длиннее 500 символов').default(''),
  })
  .refine((form) => form.decision === 'accept' || form.reason.length > 0, { path: ['reason'], message: 'Укажите причину отказа: её увидит клиент' });

/** The back office's guard: no operator session, the login page (a customer's session does not count). */
export const requireOperator: RequestHandler = (_req, res, next) => {
  if (!res.locals.operator) return res.redirect(303, '/ops/login');
  next();
};

export function operatorRoutes(services: Services, cookies: CookieSettings): Router {
  const router = Router();
  const { operators } = services;

  router.use((req, res, next) => {
    const token: unknown = req.cookies?.[cookies.operatorName];
    if (typeof token === 'string' && token !== '') {
      const operator = operators.validate(token);
      if (operator) {
        res.locals.operator = operator;
        res.locals.operatorToken = token;
      }
    }
    res.setHeader('Cache-Control', 'no-store');
    next();
  });

  router.get('/login', (_req, res) => {
    if (res.locals.operator) return res.redirect(303, '/ops/readings');
    res.render('pages/ops/login', { title: 'Вход для операторов', values: {}, errors: {} });
  });

  router.post('/login', async (req, res) => {
    const values = keptValues(req.body, ['login']);
    const form = parseForm(loginSchema, req.body);
    const result = form.ok ? await operators.login(form.data, requestContext(req)) : form;
    if (!result.ok) {
      const errors = 'errors' in result ? result.errors : { form: result.message };
      return res.status(422).render('pages/ops/login', { title: 'Вход для операторов', values, errors });
    }
    res.cookie(cookies.operatorName, result.token, { ...cookies.base, maxAge: services.config.session.absoluteHours * 3600_000 });
    res.redirect(303, '/ops/readings');
  });

  router.post('/logout', (_req, res) => {
    if (res.locals.operatorToken) operators.logout(res.locals.operatorToken);
    res.clearCookie(cookies.operatorName, cookies.base);
    res.redirect(303, '/ops/login');
  });

  router.get('/', requireOperator, (_req, res) => res.redirect(303, '/ops/readings'));

  router.get('/audit', requireOperator, (req, res) => {
    const event = typeof req.query.event === 'string' && /^[a-z_.]{1,40}$/.test(req.query.event) ? req.query.event : '';
    const entries = operators.auditLog(res.locals.operator!.id, { event }, requestContext(req));
    res.render('pages/ops/audit', { title: 'Журнал безопасности', opsSection: 'audit', event, entries });
  });

  router.get('/readings', requireOperator, (req, res) => {
    const status = req.query.status === 'rejected' ? 'rejected' : 'review';
    res.render('pages/ops/readings', { title: 'Показания на проверке', status, submissions: operators.queue(status), errors: {} });
  });

  router.post('/readings/decide', requireOperator, (req, res) => {
    const form = parseForm(decisionSchema, req.body);
    if (!form.ok) {
      return res.status(422).render('pages/ops/readings', { title: 'Показания на проверке', status: 'review', submissions: operators.queue('review'), errors: form.errors });
    }
    const done = operators.decide(res.locals.operator!.id, form.data, requestContext(req));
    if (!done) return res.status(404).render('pages/errors/not-found', { title: 'Страница не найдена' });
    res.redirect(303, '/ops/readings');
  });

  return router;
}
