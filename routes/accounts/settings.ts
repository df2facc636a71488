// Настройки under /a/<link>/settings: personal data, password, linked accounts, bill delivery, sessions.
import { Router, type Response } from 'express';
import { z } from 'zod';
import type { Services } from '../../services/index.ts';
import { fields, keptValues, parseForm } from '../forms.ts';
import type { CookieSettings } from '../middleware/cookies.ts';
import { requestContext } from '../request-context.ts';

const emailSchema = z.object({ email: fields.email });
const codeSchema = z.object({ code: fields.code });
const phoneSchema = z.object({ phone: fields.phone });
const passwordSchema = z
  .object({
    current: z.string({ error: 'Введите текущий пароль' }).min(1, 'Введите текущий пароль').max(1024, 'Неверный пароль.'),
    password: fields.password,
    passwordConfirm: z.string({ error: 'Повторите новый пароль' }).min(1, 'Повторите новый пароль'),
  })
  .refine((form) => form.password === form.passwordConfirm, { path: ['passwordConfirm'], message: 'Пароли не совпадают' });
const closeSchema = z.object({
  password: z.string({ error: 'Введите пароль, чтобы подтвердить удаление' }).min(1, 'Введите пароль, чтобы подтвердить удаление').max(1024, 'Неверный пароль.'),
});

const oneSessionSchema = z.object({ session: z.string().regex(/^[0-9a-f]{16}$/) });

const notices: Record<string, string> = {
  'email-changed': 'Адрес электронной почты изменён. На прежний адрес отправлено уведомление.',
  'phone-changed': 'Номер телефона изменён.',
  'password-changed': 'Пароль изменён. Сеансы на других устройствах завершены.',
  'delivery-saved': 'Способ доставки счетов сохранён.',
  'notices-saved': 'Настройки уведомлений сохранены.',
  'link-removed': 'Лицевой счёт удалён из личного кабинета.',
  'sessions-ended': 'Сеансы на других устройствах завершены. Этот сеанс остался открытым.',
  'session-ended': 'Сеанс на том устройстве завершён.',
  'session-not-found': 'Такого сеанса нет: возможно, он уже завершён.',
};

export function settingsRoutes(services: Services, cookies: CookieSettings): Router {
  const router = Router({ mergeParams: true });
  const { accountSettings } = services;
  const base = (res: Response) => `/a/${res.locals.link!.id}/settings`;

  function renderSettings(res: Response, status: number, extra: Record<string, unknown> = {}) {
    const user = res.locals.user!;
    res.status(status).render('pages/settings/index', {
      title: 'Настройки',
      section: 'settings',
      account: user,
      pending: accountSettings.pendingEmail(user.id),
      delivery: accountSettings.delivery(user),
      notices: accountSettings.noticeChoices(user),
      allLinks: res.locals.links!,
      sessions: accountSettings.sessions(user.id, res.locals.session!.id),
      errors: {},
      notice: undefined,
      ...extra,
    });
  }

  function renderForm(res: Response, view: string, title: string, status: number, extra: Record<string, unknown> = {}) {
    res.status(status).render(`pages/settings/${view}`, { title, section: 'settings', values: {}, errors: {}, ...extra });
  }

  router.get('/settings', (req, res) => renderSettings(res, 200, { notice: notices[String(req.query.notice ?? '')] }));

  router.get('/settings/email', (_req, res) => renderForm(res, 'email', 'Новый адрес электронной почты', 200, { current: res.locals.user!.email }));

  router.post('/settings/email', async (req, res) => {
    const values = keptValues(req.body, ['email']);
    const form = parseForm(emailSchema, req.body);
    const result = form.ok ? await accountSettings.requestEmailChange(res.locals.user!, form.data.email, requestContext(req)) : form;
    if (!result.ok) return renderForm(res, 'email', 'Новый адрес электронной почты', 422, { values, errors: result.errors, current: res.locals.user!.email });
    res.redirect(303, `${base(res)}/email/confirm`);
  });

  router.get('/settings/email/confirm', (_req, res) => {
    renderForm(res, 'email-confirm', 'Подтверждение адреса', 200, { pending: accountSettings.pendingEmail(res.locals.user!.id) });
  });

  router.post('/settings/email/confirm', async (req, res) => {
    const values = keptValues(req.body, ['code']);
    const form = parseForm(codeSchema, req.body);
    const result = form.ok ? await accountSettings.confirmEmailChange(res.locals.user!, form.data.code, requestContext(req)) : form;
    if (!result.ok) {
      return renderForm(res, 'email-confirm', 'Подтверждение адреса', 422, { values, errors: result.errors, pending: accountSettings.pendingEmail(res.locals.user!.id) });
    }
    res.redirect(303, `${base(res)}?notice=email-changed`);
  });

  router.get('/settings/phone', (_req, res) => renderForm(res, 'phone', 'Номер телефона', 200, { values: { phone: res.locals.user!.phone } }));

  router.post('/settings/phone', (req, res) => {
    const values = keptValues(req.body, ['phone']);
    const form = parseForm(phoneSchema, req.body);
    if (!form.ok) return renderForm(res, 'phone', 'Номер телефона', 422, { values, errors: form.errors });
    accountSettings.changePhone(res.locals.user!, form.data.phone, requestContext(req));
    res.redirect(303, `${base(res)}?notice=phone-changed`);
  });

  router.get('/settings/password', (_req, res) => renderForm(res, 'password', 'Смена пароля', 200));

  router.post('/settings/password', async (req, res) => {
    const form = parseForm(passwordSchema, req.body);
    const result = form.ok ? await accountSettings.changePassword(res.locals.user!, form.data, requestContext(req)) : form;
    if (!result.ok) return renderForm(res, 'password', 'Смена пароля', 422, { errors: result.errors });
    // Every session ended with the change; this browser carries on with a new token.
    res.cookie(cookies.sessionName, result.token, { ...cookies.base, maxAge: services.sessions.cookieMaxAgeSeconds * 1000 });
    res.redirect(303, `${base(res)}?notice=password-changed`);
  });

  router.post('/settings/delivery', (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const input = { emailDelivery: body.emailDelivery === 'yes', paperRefused: body.paperRefused === 'yes' };
    const result = accountSettings.setDelivery(res.locals.user!, input, requestContext(req));
    if (!result.ok) return renderSettings(res, 422, { errors: result.errors, deliveryValues: input });
    res.redirect(303, `${base(res)}?notice=delivery-saved#delivery`);
  });

  router.post('/settings/notices', (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    accountSettings.setNoticeChoices(res.locals.user!, { readingReminders: body.readingReminders === 'yes', debtNotices: body.debtNotices === 'yes' }, requestContext(req));
    res.redirect(303, `${base(res)}?notice=notices-saved#notices`);
  });

  // The account in the URL is the one to remove: the primary closes the whole cabinet.
  router.get('/settings/remove', (_req, res) => renderForm(res, 'remove', 'Удаление лицевого счёта', 200));

  router.post('/settings/remove', async (req, res) => {
    const link = res.locals.link!;
    const user = res.locals.user!;
    const context = requestContext(req);
    if (!link.is_primary) {
      accountSettings.removeLink(user, link.id, context);
      // The links read with the session: the one removed was not the primary, so the primary stands.
      const primary = res.locals.links!.find((l) => l.is_primary)!;
      return res.redirect(303, `/a/${primary.id}/settings?notice=link-removed`);
    }
    const form = parseForm(closeSchema, req.body);
    const result = form.ok ? await accountSettings.closeCabinet(user, form.data.password, context) : form;
    if (!result.ok) return renderForm(res, 'remove', 'Удаление лицевого счёта', 422, { errors: result.errors });
    res.clearCookie(cookies.sessionName, cookies.base);
    res.locals.user = undefined;
    res.locals.link = undefined;
    res.render('pages/settings/closed', { title: 'Личный кабинет закрыт' });
  });

  router.post('/settings/sessions/end-others', (req, res) => {
    accountSettings.endOtherSessions(res.locals.user!.id, res.locals.session!.id, requestContext(req));
    res.redirect(303, `${base(res)}?notice=sessions-ended#sessions`);
  });

  router.post('/settings/sessions/end', (req, res) => {
    const form = oneSessionSchema.safeParse(req.body);
    const ended = form.success && accountSettings.endOneSession(res.locals.user!.id, res.locals.session!.id, form.data.session, requestContext(req));
    res.redirect(303, `${base(res)}?notice=${ended ? 'session-ended' : 'session-not-found'}#sessions`);
  });

  router.post('/settings/sessions/end-all', (req, res) => {
    accountSettings.endAllSessions(res.locals.user!.id, requestContext(req));
    res.clearCookie(cookies.sessionName, cookies.base);
    res.redirect(303, '/login?notice=logged-out');
  });

  return router;
}
