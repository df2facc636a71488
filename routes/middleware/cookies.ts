// Cookie names and options: __Host- prefixed and Secure in production.
import type { CookieOptions } from 'express';
import type { Config } from '../../services/platform/config.ts';

export type CookieSettings = ReturnType<typeof cookieSettings>;

export function cookieSettings(config: Config) {
  const prefix = config.isProduction ? '__Host-' : '';
  const base: CookieOptions = { httpOnly: true, sameSite: 'lax', secure: config.isProduction, path: '/' };
  return {
    sessionName: `${prefix}svet_session`,
    csrfName: `${prefix}svet_csrf`,
    operatorName: `${prefix}svet_ops`,
    /** Readings without logging in: the token of a short-lived grant (services/billing/readings-without-login.ts). */
    readingsName: `${prefix}svet_readings`,
    base,
  };
}
