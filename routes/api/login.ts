// /api/v1 logins: the password, the PIN on a trusted device, a passkey; setting a PIN; logout.
// Every login answers a bearer token the same way; /pin and /logout need a token (index.ts).
import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import type { Services } from '../../services/index.ts';
import { fields } from '../forms.ts';
import { ApiError } from './errors.ts';
import { apiRouter, contextOf } from './guards.ts';
import { errors, json, jsonBody } from './openapi.ts';
import { iso, pinField, tokenSchema } from './schemas.ts';

const tags = ['Вход'];
const tokenAnswer = json('Токен для заголовка Authorization: Bearer', tokenSchema);
const deviceToken = z.string().max(64);

const password = createRoute({
  method: 'post',
  path: '/login',
  summary: 'Вход: номер лицевого счёта и пароль → токен',
  tags,
  security: [],
  request: { body: jsonBody(z.strictObject({ accountNumber: fields.accountNumber, password: fields.loginPassword })) },
  responses: { 200: tokenAnswer, ...errors(400, 413, 415, 422, [401, 'Неверный номер лицевого счёта или пароль'], [403, 'Учётная запись не активирована'], [429, 'Слишком много попыток (заголовок Retry-After)']) },
});

const byPin = createRoute({
  method: 'post',
  path: '/login/pin',
  summary: 'Вход по PIN-коду на доверенном устройстве: токен устройства и 4 цифры → токен',
  tags,
  security: [],
  request: { body: jsonBody(z.strictObject({ deviceToken, pin: pinField })) },
  responses: {
    200: tokenAnswer,
    ...errors(400, 413, 415, 422, [401, 'Неверный PIN-код или устройство не доверенное'], [423, 'Вход по PIN-коду на устройстве заблокирован: войдите с паролем'], [429, 'Слишком много попыток']),
  },
});

const passkeyOptions = createRoute({
  method: 'post',
  path: '/login/passkey/options',
  summary: 'Вход по биометрии, шаг 1: токен доверенного устройства → параметры WebAuthn (challenge)',
  tags,
  security: [],
  request: { body: jsonBody(z.strictObject({ deviceToken })) },
  responses: {
    200: json('PublicKeyCredentialRequestOptionsJSON для navigator.credentials.get', z.object({ options: z.record(z.string(), z.unknown()) })),
    ...errors(400, 413, 415, 422, [403, 'Устройство не доверенное, заблокировано или без ключа доступа']),
  },
});

const byPasskey = createRoute({
  method: 'post',
  path: '/login/passkey',
  summary: 'Вход по биометрии, шаг 2: ответ аутентификатора (AuthenticationResponseJSON) → токен',
  tags,
  security: [],
  request: { body: jsonBody(z.strictObject({ deviceToken, response: z.object({ id: z.string().max(1024) }).loose() })) },
  responses: { 200: tokenAnswer, ...errors(413, 415, 422, [400, 'Ответ не прошёл проверку (в том числе повтор); тело — не JSON'], [403, 'Устройство не доверенное'], [429, 'Слишком много попыток']) },
});

const setPin = createRoute({
  method: 'post',
  path: '/pin',
  summary: 'Установить PIN-код: пароль и 4 цифры → токен доверенного устройства (хранить в приложении)',
  tags,
  request: { body: jsonBody(z.strictObject({ password: fields.loginPassword, pin: pinField })) },
  responses: { 200: json('Токен устройства для входа по PIN-коду', z.object({ deviceToken: z.string() })), ...errors(400, 401, 413, 415, [422, 'Неверный пароль или PIN-код не из 4 цифр']) },
});

const logout = createRoute({
  method: 'post',
  path: '/logout',
  summary: 'Выход: токен больше не действует',
  tags,
  responses: { 204: { description: 'Токен отозван' }, ...errors(401) },
});

const tokenBody = (issued: { token: string; expiresAt: number }) => ({ token: issued.token, expiresAt: iso(issued.expiresAt) });

export function loginRoutes(services: Services) {
  const { apiTokens, pin, passkeys } = services;
  return apiRouter()
    .openapi(password, async (c) => {
      const body = c.req.valid('json');
      const result = await apiTokens.login(body.accountNumber, body.password, contextOf(c));
      if (result.kind === 'throttled') {
        c.header('Retry-After', String(result.retryAfterSeconds));
        throw new ApiError(429, 'throttled', result.message);
      }
      if (result.kind === 'not_activated') throw new ApiError(403, 'not_activated', 'Учётная запись не активирована: перейдите по ссылке из письма.');
      if (result.kind === 'invalid') throw new ApiError(401, 'invalid_credentials', 'Неверный номер лицевого счёта или пароль.');
      return c.json(tokenBody(result), 200);
    })
    .openapi(byPin, async (c) => {
      const body = c.req.valid('json');
      const result = await pin.verifyLogin(body.deviceToken, body.pin, contextOf(c));
      if (result.kind === 'throttled') throw new ApiError(429, 'throttled', result.message);
      if (result.kind === 'locked') throw new ApiError(423, 'pin_locked', 'Вход по PIN-коду на этом устройстве заблокирован: войдите с номером счёта и паролем.');
      if (result.kind === 'no_device') throw new ApiError(401, 'unknown_device', 'Устройство не доверенное: войдите с номером счёта и паролем и установите PIN-код.');
      if (result.kind === 'wrong') throw new ApiError(401, 'wrong_pin', result.message);
      return c.json(tokenBody(apiTokens.issue(result.user.id, contextOf(c))), 200);
    })
    .openapi(passkeyOptions, async (c) => {
      const result = await passkeys.loginOptions(c.req.valid('json').deviceToken);
      if (!result.ok) throw new ApiError(result.status, result.code, result.message);
      return c.json({ options: result.options as unknown as Record<string, unknown> }, 200);
    })
    .openapi(byPasskey, async (c) => {
      const body = c.req.valid('json');
      const result = await passkeys.verifyLogin(body.deviceToken, body.response as never, contextOf(c));
      if (!result.ok) throw new ApiError(result.status, result.code, result.message);
      return c.json(tokenBody(apiTokens.issue(result.user.id, contextOf(c))), 200);
    })
    .openapi(setPin, async (c) => {
      const result = await pin.setPin(c.get('user'), c.req.valid('json'), undefined, contextOf(c));
      if (!result.ok) throw new ApiError(422, 'validation', 'Проверьте данные', result.errors);
      // Without a device cookie (always so here) setPin makes a new device and gives its token.
      if (result.deviceToken === null) throw new Error('setPin gave no device token');
      return c.json({ deviceToken: result.deviceToken }, 200);
    })
    .openapi(logout, (c) => {
      apiTokens.revoke(c.get('token'));
      return c.body(null, 204);
    });
}
