// Strict headers on every answer: a CSP with no inline script, HSTS in production, no referrer
// outside the site, and no powerful browser features.
import type { RequestHandler } from 'express';
import helmet from 'helmet';
import type { Config } from '../../services/platform/config.ts';

function contentSecurityPolicy(config: Config) {
  // The «Оплатить» form's POST answers 303 to the bank's page, and form-action covers redirects.
  const gateway = config.payment.gatewayUrl ? [new URL(config.payment.gatewayUrl).origin] : [];
  return {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      fontSrc: ["'self'"],
      connectSrc: ["'self'"],
      formAction: ["'self'", ...gateway],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
      objectSrc: ["'none'"],
      upgradeInsecureRequests: config.isProduction ? [] : null,
    },
  };
}

export function securityHeaders(config: Config): RequestHandler[] {
  return [
    helmet({
      contentSecurityPolicy: contentSecurityPolicy(config),
      strictTransportSecurity: config.isProduction ? { maxAge: 31536000, includeSubDomains: true } : false,
      referrerPolicy: { policy: 'same-origin' },
    }),
    (_req, res, next) => {
      res.setHeader('Vary', 'HX-Request, HX-Target');
      res.setHeader('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), payment=()');
      next();
    },
  ];
}
