// Login with a passkey on a trusted device: JSON for static/passkey.js; the session it makes is
// the same as the password's.
import { Router } from 'express';
import type { Services } from '../../services/index.ts';
import type { CookieSettings } from '../middleware/cookies.ts';
import { deviceCookie, parseJsonField } from './pin.ts';
import { requestContext } from '../request-context.ts';

export function passkeyLoginRoutes(services: Services, cookies: CookieSettings): Router {
  const router = Router();
  const device = deviceCookie(services, cookies);

  router.post('/passkey/login/options', async (req, res) => {
    const result = await services.passkeys.loginOptions(req.cookies?.[device.name]);
    if (!result.ok) return res.status(result.status).json({ error: { code: result.code, message: result.message } });
    res.json({ options: result.options });
  });

  router.post('/passkey/login', async (req, res) => {
    const response = parseJsonField(req.body?.response);
    if (!response) return res.status(400).json({ error: { code: 'bad_response', message: 'Браузер прислал неполный ответ. Попробуйте ещё раз.' } });
    const result = await services.passkeys.login(req.cookies?.[device.name], response as never, requestContext(req));
    if (!result.ok) return res.status(result.status).json({ error: { code: result.code, message: result.message } });
    res.cookie(cookies.sessionName, result.token, { ...cookies.base, maxAge: services.sessions.cookieMaxAgeSeconds * 1000 });
    res.json({ redirect: `/a/${result.primaryLinkId}/` });
  });

  return router;
}
