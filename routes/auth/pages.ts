// Registration, activation, login, logout and recovery pages.
import { Router, type Response } from 'express';
import { z } from 'zod';
import type { Services } from '../../services/index.ts';
import type { CookieSettings } from '../middleware/cookies.ts';
import { fields, keptValues, parseForm } from '../forms.ts';
import { requestContext } from '../request-context.ts';

const registrationSchema = z
  .object({
    accountNumber: fields.accountNumber,
    password: fields.password,
    passwordConfirm: z.string({ error: 'Повторите пароль' }).min(1, 'Повторите пароль'),
    email: fields.email,
    phone: fields.phone,
    proof: fields.proof,
    agreement: fields.checkbox('Примите пользовательское соглашение'),
    consent: fields.checkbox('Дайте согласие на обработку персональных данных'),
  })
  .refine((form) => form.password === form.passwordConfirm, { path: ['passwordConfirm'], message: 'Пароли не совпадают' })
  .refine((form) => form.password !== form.accountNumber, { path: ['password'], message: 'Пароль не должен совпадать с номером лицевого счёта' });

const loginSchema = z.object({ accountNumber: fields.accountNumber, password: fields.loginPassword });
const codeSchema = z.object({ accountNumber: fields.accountNumber, code: fields.code });
const resendSchema = z.object({ accountNumber: fields.accountNumber });
const recoverySchema = z.object({ accountNumber: fields.accountNumber, email: fields.email });
const recoveryCodeSchema = z
  .object({
    accountNumber: fields.accountNumber,
    code: fields.code,
    password: fields.password,
    passwordConfirm: z.string({ error: 'Повторите пароль' }).min(1, 'Повторите пароль'),
  })
  .refine((form) => form.password === form.passwordConfirm, { path: ['passwordConfirm'], message: 'Пароли не совпадают' });

const notices: Record<string, string> = {
  activated: 'Учётная запись активирована. Войдите с номером лицевого счёта и паролем.',
  'password-reset': 'Пароль изменён, все прежние сеансы завершены. Войдите с новым паролем.',
  'logged-out': 'Вы вышли из личного кабинета.',
  resent: 'Если учётная запись ждёт активации, мы отправили новое письмо на адрес, указанный при регистрации.',
};

const recoveryCookie = 'svet_recover';

export function authRoutes(services: Services, cookies: CookieSettings): Router {
  const router = Router();
  const { auth } = services;

  function home(res: Response, linkId: number) {
    res.redirect(303, `/a/${linkId}/`);
  }

  router.get('/', (_req, res) => {
    const user = res.locals.user;
    if (!user) return res.redirect(303, '/login');
    home(res, services.cabinet.links(user.id)[0].id);
  });

  router.get('/login', (req, res) => {
    if (res.locals.user) return home(res, res.locals.links![0].id);
    const notice = notices[String(req.query.notice ?? '')];
    res.render('pages/auth/login', { title: 'Вход', values: {}, errors: {}, notice });
  });

  router.post('/login', async (req, res) => {
    const values = keptValues(req.body, ['accountNumber']);
    const form = parseForm(loginSchema, req.body);
    if (!form.ok) return res.status(422).render('pages/auth/login', { title: 'Вход', values, errors: form.errors });
    const result = await auth.login(form.data.accountNumber, form.data.password, requestContext(req));
    switch (result.kind) {
      case 'ok':
        res.cookie(cookies.sessionName, result.token, { ...cookies.base, maxAge: services.sessions.cookieMaxAgeSeconds * 1000 });
        return home(res, result.primaryLinkId);
      case 'throttled':
        return res.status(429).render('pages/auth/login', { title: 'Вход', values, errors: { form: result.message } });
      case 'not_activated':
        return res.status(403).render('pages/auth/login', { title: 'Вход', values, errors: {}, notActivated: true });
      case 'invalid':
        return res.status(401).render('pages/auth/login', { title: 'Вход', values, errors: { password: 'Неверный номер лицевого счёта или пароль.' } });
    }
  });

  router.post('/logout', (req, res) => {
    if (res.locals.sessionToken && res.locals.user) auth.logout(res.locals.sessionToken, res.locals.user.id, requestContext(req));
    res.clearCookie(cookies.sessionName, cookies.base);
    res.redirect(303, '/login?notice=logged-out');
  });

  router.get('/register', (_req, res) => {
    res.render('pages/auth/register', { title: 'Регистрация', values: {}, errors: {} });
  });

  router.post('/register', async (req, res) => {
    const values = keptValues(req.body, ['accountNumber', 'email', 'phone', 'proof', 'agreement', 'consent']);
    const form = parseForm(registrationSchema, req.body);
    const result = form.ok ? await auth.register(form.data, requestContext(req)) : form;
    if (!result.ok) return res.status(422).render('pages/auth/register', { title: 'Регистрация', values, errors: result.errors });
    res.redirect(303, '/register/done');
  });

  router.get('/register/done', (_req, res) => {
    res.render('pages/auth/register-done', { title: 'Проверьте почту', values: {}, errors: {} });
  });

  router.get('/activate', (_req, res) => {
    res.render('pages/auth/activate', { title: 'Активация по коду', values: {}, errors: {} });
  });

  router.post('/activate', (req, res) => {
    const values = keptValues(req.body, ['accountNumber', 'code']);
    const form = parseForm(codeSchema, req.body);
    const result = form.ok ? auth.activateByCode(form.data.accountNumber, form.data.code, requestContext(req)) : form;
    if (!result.ok) {
      const errors = 'errors' in result ? result.errors : { code: result.message };
      return res.status(422).render('pages/auth/activate', { title: 'Активация по коду', values, errors });
    }
    res.redirect(303, '/login?notice=activated');
  });

  router.post('/activate/resend', async (req, res) => {
    const values = keptValues(req.body, ['accountNumber']);
    const form = parseForm(resendSchema, req.body);
    const result = form.ok ? await auth.resendActivation(form.data.accountNumber, requestContext(req)) : form;
    if (!result.ok) {
      const errors = 'errors' in result ? result.errors : { accountNumber: result.message };
      return res.status(422).render('pages/auth/activate', { title: 'Активация по коду', values, errors });
    }
    res.redirect(303, '/login?notice=resent');
  });

  router.get('/activate/:token', (req, res) => {
    const live = auth.activationLinkIsLive(String(req.params.token));
    res.status(live ? 200 : 410).render('pages/auth/activate-link', { title: 'Активация учётной записи', live, token: req.params.token });
  });

  router.post('/activate/:token', (req, res) => {
    if (!auth.activateByLink(String(req.params.token), requestContext(req))) {
      return res.status(410).render('pages/auth/activate-link', { title: 'Активация учётной записи', live: false, token: '' });
    }
    res.redirect(303, '/login?notice=activated');
  });

  router.get('/recover', (_req, res) => {
    res.render('pages/auth/recover', { title: 'Восстановление пароля', values: {}, errors: {} });
  });

  router.post('/recover', async (req, res) => {
    const values = keptValues(req.body, ['accountNumber', 'email']);
    const form = parseForm(recoverySchema, req.body);
    const result = form.ok ? await auth.startRecovery(form.data.accountNumber, form.data.email, requestContext(req)) : form;
    if (!result.ok) {
      const errors = 'errors' in result ? result.errors : { form: result.message };
      return res.status(form.ok ? 429 : 422).render('pages/auth/recover', { title: 'Восстановление пароля', values, errors });
    }
    res.cookie(recoveryCookie, values.accountNumber.trim(), { ...cookies.base, path: '/recover', maxAge: 15 * 60 * 1000 });
    res.redirect(303, '/recover/code');
  });

  router.get('/recover/code', (req, res) => {
    const carried: unknown = req.cookies?.[recoveryCookie];
    const accountNumber = typeof carried === 'string' && /^\d{9}$/.test(carried) ? carried : '';
    res.render('pages/auth/recover-code', { title: 'Новый пароль', values: { accountNumber }, errors: {}, sent: accountNumber !== '' });
  });

  router.post('/recover/code', async (req, res) => {
    const values = keptValues(req.body, ['accountNumber', 'code']);
    const form = parseForm(recoveryCodeSchema, req.body);
    const result = form.ok ? await auth.completeRecovery(form.data, requestContext(req)) : form;
    if (!result.ok) return res.status(422).render('pages/auth/recover-code', { title: 'Новый пароль', values, errors: result.errors, sent: false });
    res.clearCookie(recoveryCookie, { ...cookies.base, path: '/recover' });
    res.clearCookie(cookies.sessionName, cookies.base);
    res.redirect(303, '/login?notice=password-reset');
  });

  return router;
}
