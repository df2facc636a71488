// Reads the session cookie; pages with personal data are never stored by caches.
import type { RequestHandler } from 'express';
import type { Services } from '../../services/index.ts';
import type { CookieSettings } from './cookies.ts';

export function setUpSessions(services: Services, cookies: CookieSettings): RequestHandler {
  return async (req, res, next) => {
    const token: unknown = req.cookies?.[cookies.sessionName];
    if (typeof token === 'string' && token !== '') {
      const valid = await services.sessions.validate(token);
      if (valid) {
        res.locals.user = valid.user;
        res.locals.session = valid.session;
        res.locals.links = valid.links;
        res.locals.sessionToken = token;
        res.setHeader('Cache-Control', 'no-store');
      } else {
        res.clearCookie(cookies.sessionName, cookies.base);
      }
    }
    next();
  };
}
