// CSRF: a random token in a cookie and in every form (works in old browsers), plus the
// Origin / Sec-Fetch-Site check when the browser sends those headers.
import type { Request, RequestHandler } from 'express';
import type { Config } from '../../services/platform/config.ts';
import { constantTimeEqual, randomToken } from '../../services/platform/tokens.ts';
import type { CookieSettings } from './cookies.ts';

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

export class CsrfError extends Error {
  status = 403;
}

export function csrfProtection(config: Config, cookies: CookieSettings): RequestHandler {
  const ownOrigin = new URL(config.baseUrl).origin;

  function crossSite(req: Request): boolean {
    const site = req.get('sec-fetch-site');
    if (site && site !== 'same-origin' && site !== 'none') return true;
    const origin = req.get('origin');
    if (!origin || origin === 'null') return origin === 'null';
    return origin !== ownOrigin && origin !== `${req.protocol}://${req.get('host')}`;
  }

  return (req, res, next) => {
    let token: unknown = req.cookies?.[cookies.csrfName];
    if (typeof token !== 'string' || !/^[a-z2-7]{32}$/.test(token)) {
      token = randomToken();
      res.cookie(cookies.csrfName, token, cookies.base);
    }
    res.locals.csrfToken = token as string;
    if (safeMethods.has(req.method)) return next();
    const sent: unknown = req.body?._csrf;
    if (crossSite(req) || typeof sent !== 'string' || !constantTimeEqual(sent, token as string)) {
      return next(new CsrfError('CSRF check failed'));
    }
    next();
  };
}
