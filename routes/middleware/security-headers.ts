// Strict headers on every answer: a CSP with no inline script, HSTS in production, no referrer
// outside the site, and no powerful browser features. helmet decides the headers; they depend on
// the config alone, so it runs once at start and each answer gets the same list in one pass.
import type { RequestHandler, Response } from 'express';
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

/** The headers helmet sets with these options, read by running it once against a recorder. */
function helmetHeaders(config: Config): [string, string][] {
  const headers: [string, string][] = [];
  const recorder = {
    setHeader: (name: string, value: string) => headers.push([name, String(value)]),
    removeHeader: () => undefined,
  };
  const middleware = helmet({
    contentSecurityPolicy: contentSecurityPolicy(config),
    strictTransportSecurity: config.isProduction ? { maxAge: 31536000, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'same-origin' },
  });
  let failure: unknown;
  middleware({} as never, recorder as unknown as Response, (error?: unknown) => (failure = error));
  if (failure) throw failure;
  return headers;
}

export function securityHeaders(config: Config): RequestHandler {
  const headers: [string, string][] = [
    ...helmetHeaders(config),
    ['Vary', 'HX-Request, HX-Target'],
    ['Permissions-Policy', 'camera=(), microphone=(), geolocation=(), payment=()'],
  ];
  return (_req, res, next) => {
    for (const [name, value] of headers) res.setHeader(name, value);
    next();
  };
}
