// PIN login on a trusted device (/pin), and Безопасность under /a/<link>/security: setting,
// changing and turning off the PIN, and turning biometrics (passkeys) on and off.
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import type { Services } from '../../services/index.ts';
import { pinMessages } from '../../services/auth/pin.ts';
import { keptValues, parseForm } from '../forms.ts';
import type { CookieSettings } from '../middleware/cookies.ts';
import { requestContext } from '../request-context.ts';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Locals {
      /** Set on /login and /pin when this browser is a trusted device: what it may log in with. */
      trustedDevice?: { pin: boolean; passkey: boolean };
    }
  }
}

export const pinField = (empty: string) =>
  z.string({ error: empty }).min(1, empty).regex(/^\d{4}$/, 'PIN-код — ровно 4 цифры, без букв и пробелов');

const pinPair = {
  pin: pinField('Придумайте PIN-код из 4 цифр'),
  pinConfirm: z.string({ error: 'Повторите PIN-код' }).min(1, 'Повторите PIN-код'),
};
const setSchema = z
  .object({ password: z.string({ error: 'Введите пароль' }).min(1, 'Введите пароль').max(1024, pinMessages.wrongPassword), ...pinPair })
  .refine((f) => f.pin === f.pinConfirm, { path: ['pinConfirm'], message: 'PIN-коды не совпадают' });
const changeSchema = z
  .object({ currentPin: pinField('Введите текущий PIN-код'), ...pinPair })
  .refine((f) => f.pin === f.pinConfirm, { path: ['pinConfirm'], message: 'PIN-коды не совпадают' });
const loginSchema = z.object({ pin: pinField('Введите PIN-код') });

const notices: Record<string, string> = {
  'pin-set': 'PIN-код установлен. На этом устройстве можно входить по PIN-коду.',
  'pin-changed': 'PIN-код изменён.',
  'pin-off': 'Вход по PIN-коду на этом устройстве отключён.',
  'passkey-on': 'Вход по биометрии на этом устройстве включён.',
  'passkey-off': 'Вход по биометрии на этом устройстве отключён.',
};

/** The device cookie: long-lived, HttpOnly, __Host- in production like the session cookie. */
export function deviceCookie(services: Services, cookies: CookieSettings) {
  return {
    name: cookies.sessionName.replace('svet_session', 'svet_device'),
    options: { ...cookies.base, maxAge: services.config.mobile.deviceCookieDays * 86400 * 1000 },
  };
}

/** For the login pages: whether this browser is a trusted device, so they offer the PIN (and biometrics). */
export function trustedDeviceLocals(services: Services, cookies: CookieSettings): RequestHandler {
  const { name } = deviceCookie(services, cookies);
  return (req, res, next) => {
    if (req.method === 'GET' && (req.path === '/login' || req.path === '/pin')) {
      const device = services.pin.deviceFor(req.cookies?.[name]);
      if (device && device.disabled_at === null) res.locals.trustedDevice = { pin: true, passkey: services.passkeys.enabledOn(device.id) };
    }
    next();
  };
}

export function pinRoutes(services: Services, cookies: CookieSettings): Router {
  const router = Router();
  const device = deviceCookie(services, cookies);

  function renderPin(res: Response, status: number, state: 'ready' | 'no-device' | 'locked', extra: Record<string, unknown> = {}) {
    res.status(status).render('pages/pin/index', { title: 'Вход по PIN-коду', state, values: {}, errors: {}, ...extra });
  }

  router.get('/pin', (req, res) => {
    const found = services.pin.deviceFor(req.cookies?.[device.name]);
    if (!found) return renderPin(res, 200, 'no-device');
    if (found.disabled_at !== null) return renderPin(res, 200, 'locked');
    renderPin(res, 200, 'ready');
  });

  router.post('/pin', async (req, res) => {
    const form = parseForm(loginSchema, req.body);
    if (!form.ok) return renderPin(res, 422, 'ready', { errors: form.errors });
    const result = await services.pin.login(req.cookies?.[device.name], form.data.pin, requestContext(req));
    switch (result.kind) {
      case 'ok':
        res.cookie(cookies.sessionName, result.token, { ...cookies.base, maxAge: services.sessions.cookieMaxAgeSeconds * 1000 });
        return res.redirect(303, `/a/${result.primaryLinkId}/`);
      case 'wrong':
        return renderPin(res, 401, 'ready', { errors: { pin: result.message } });
      case 'throttled':
        return renderPin(res, 429, 'ready', { errors: { form: result.message } });
      case 'locked':
        res.clearCookie(device.name, cookies.base);
        return renderPin(res, 403, 'locked');
      case 'no_device':
        return renderPin(res, 403, 'no-device');
    }
  });

  return router;
}

/** Безопасность, mounted under /a/:link behind requireUser and requireOwnLink. */
export function securityRoutes(services: Services, cookies: CookieSettings): Router {
  const router = Router({ mergeParams: true });
  const { pin, passkeys } = services;
  const device = deviceCookie(services, cookies);
  const base = (res: Response) => `/a/${res.locals.link!.id}/security`;
  const cookieOf = (req: Request): unknown => req.cookies?.[device.name];

  function renderSecurity(req: Request, res: Response, status: number, extra: Record<string, unknown> = {}) {
    const own = pin.ownDevice(res.locals.user!.id, cookieOf(req));
    res.status(status).render('pages/security/index', {
      title: 'Безопасность',
      section: 'settings',
      hasPin: !!own,
      hasPasskey: own ? passkeys.enabledOn(own.id) : false,
      values: {},
      errors: {},
      notice: notices[String(req.query.notice ?? '')],
      ...extra,
    });
  }

  router.get('/security', (req, res) => renderSecurity(req, res, 200));

  router.post('/security/pin', async (req, res) => {
    const form = parseForm(setSchema, req.body);
    const result = form.ok ? await pin.setPin(res.locals.user!, form.data, cookieOf(req), requestContext(req)) : form;
    if (!result.ok) return renderSecurity(req, res, 422, { errors: result.errors });
    if (result.deviceToken) res.cookie(device.name, result.deviceToken, device.options);
    res.redirect(303, `${base(res)}?notice=pin-set`);
  });

  router.post('/security/pin/change', async (req, res) => {
    const form = parseForm(changeSchema, req.body);
    const result = form.ok ? await pin.changePin(res.locals.user!, form.data, cookieOf(req), requestContext(req)) : form;
    if (!result.ok) {
      if ('locked' in result) res.clearCookie(device.name, cookies.base);
      return renderSecurity(req, res, 422, { errors: result.errors });
    }
    res.redirect(303, `${base(res)}?notice=pin-changed`);
  });

  router.post('/security/pin/off', (req, res) => {
    pin.turnOff(res.locals.user!, cookieOf(req), requestContext(req));
    res.clearCookie(device.name, cookies.base);
    res.redirect(303, `${base(res)}?notice=pin-off`);
  });

  // Biometrics: JSON for static/passkey.js (the browser offers passkeys only through JS).
  router.post('/security/passkey/options', async (req, res) => {
    const typed = keptValues(req.body, ['passkeyPin']).passkeyPin;
    if (!/^\d{4}$/.test(typed)) return res.status(422).json({ error: { code: 'validation', message: 'PIN-код — ровно 4 цифры', fields: { passkeyPin: 'PIN-код — ровно 4 цифры' } } });
    const result = await passkeys.registrationOptions(res.locals.user!, res.locals.link!.number, cookieOf(req), typed, requestContext(req));
    if (!result.ok) return res.status(result.status).json({ error: { code: result.code, message: result.message, fields: { passkeyPin: result.message } } });
    res.json({ options: result.options });
  });

  router.post('/security/passkey', async (req, res) => {
    const response = parseJsonField(req.body?.response);
    if (!response) return res.status(400).json({ error: { code: 'bad_response', message: 'Браузер прислал неполный ответ. Попробуйте ещё раз.' } });
    const result = await passkeys.register(res.locals.user!, cookieOf(req), response as never, requestContext(req));
    if (!result.ok) return res.status(result.status).json({ error: { code: result.code, message: result.message } });
    res.json({ redirect: `${base(res)}?notice=passkey-on` });
  });

  router.post('/security/passkey/off', (req, res) => {
    passkeys.turnOff(res.locals.user!, cookieOf(req), requestContext(req));
    res.redirect(303, `${base(res)}?notice=passkey-off`);
  });

  return router;
}

/** A WebAuthn response as the form field carries it (JSON text), or null. */
export function parseJsonField(value: unknown): Record<string, unknown> | null {
  if (typeof value !== 'string' || value.length > 16_384) return null;
  try {
    const parsed: unknown = JSON.parse(value);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
