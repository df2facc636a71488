// Builds the Express app: middleware in one fixed order, then the route tables.
import cookieParser from 'cookie-parser';
import express, { Router, type Express } from 'express';
import { fileURLToPath } from 'node:url';
import type { Services } from '../services/index.ts';
import type { Logger } from '../services/platform/logger.ts';
import { apiRoutes } from './api/index.ts';
import { authRoutes } from './auth/pages.ts';
import { billRoutes } from './bills/bills.ts';
import { accountSwitchRoutes, cabinetRoutes, cabinetSections } from './accounts/cabinet.ts';
import { devRoutes } from './site/dev.ts';
import { historyRoutes } from './history/history.ts';
import { documentRoutes } from './site/documents.ts';
import { healthRoutes } from './ops/health.ts';
import { merchantPageRoutes } from './payments/merchant-pages.ts';
import { operatorRoutes } from './ops/operators.ts';
import { opsSupportRoutes } from './ops/support.ts';
import { passkeyLoginRoutes } from './auth/passkeys.ts';
import { paymentCallbackRoutes, paymentRoutes } from './payments/payments.ts';
import { pinRoutes, securityRoutes, trustedDeviceLocals } from './auth/pin.ts';
import { pwaRoutes } from './site/pwa.ts';
import { readingsWithoutLoginRoutes } from './billing/readings-without-login.ts';
import { unsubscribeOneClickRoutes, unsubscribePageRoutes } from './notices/unsubscribe.ts';
import { settingsRoutes } from './accounts/settings.ts';
import { supportRoutes, supportUploads } from './support/support.ts';
import { requireOwnLink, requireUser } from './middleware/auth-guards.ts';
import { cookieSettings } from './middleware/cookies.ts';
import { csrfProtection } from './middleware/csrf.ts';
import { errorHandler, notFound, type ErrorLog } from './middleware/errors.ts';
import './middleware/locals.ts';
import { requestLog } from './middleware/request-log.ts';
import { renderTemplate, viewsDir } from '../services/platform/templates.ts';
import { securityHeaders } from './middleware/security-headers.ts';
import { setUpSessions } from './middleware/sessions.ts';

const staticDir = fileURLToPath(new URL('../static', import.meta.url));

/** options.log receives unhandled errors (tests collect them); options.logger replaces services.logger. */
export function createApp(services: Services, options: { log?: ErrorLog; logger?: Logger } = {}): Express {
  const { config } = services;
  const logger = options.logger ?? services.logger;
  const app = express();
  const cookies = cookieSettings(config);

  // Templates are compiled once in production, on every render elsewhere (see services/platform/templates.ts).
  app.engine('ejs', (path, data, callback) => {
    let html: string;
    try {
      html = renderTemplate(path, data, { cache: config.isProduction });
    } catch (error) {
      return callback(error);
    }
    callback(null, html);
  });
  app.set('view engine', 'ejs');
  app.set('views', viewsDir);
  app.set('trust proxy', config.trustProxy);
  app.set('x-powered-by', false);
  // No ETag on rendered answers: the personal pages are no-store, so hashing each body bought no
  // revalidation. /static keeps express.static's own ETag and Last-Modified.
  app.set('etag', false);
  Object.assign(app.locals, { company: config.company, format: services.format, devMailbox: !config.isProduction, cabinetSections });

  app.use(requestLog(logger));
  app.use(securityHeaders(config));
  // Route tables that most requests pass by are added to the app itself, and middleware is mounted
  // as functions: a request that passes through a router of its own leaves it through setImmediate
  // (router's `next` at the end of its stack), a wait per router for nothing. Measured with bench:ab
  // against the five such routers before: Главная 1.04–1.11×, POST readings 1.10×.
  healthRoutes(app, services.health);
  app.use('/static', express.static(staticDir, { maxAge: config.isProduction ? '7d' : 0, index: false }));
  pwaRoutes(app, services);
  // The JSON API: bearer tokens, its own JSON body parser and errors; before cookies, sessions and CSRF.
  app.use('/api/v1', apiRoutes(services, (error) => (options.log ? options.log(error) : logger.error({ err: error }, 'unhandled API error'))));
  app.use(express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 100 }));
  app.use(cookieParser());
  app.use(setUpSessions(services, cookies));
  // Upload forms are multipart: their body (with limits) is parsed first so the CSRF check can read it.
  app.use(supportUploads(services, cookies));
  // A mail client's one-click unsubscribe (RFC 8058) has no CSRF token: its signed link authorises it.
  unsubscribeOneClickRoutes(app, services);
  app.use(csrfProtection(config, cookies));

  app.use((req, res, next) => {
    // A boosted section link asks for <main> only (HX-Target); any other request gets the whole page.
    res.locals.fragment = req.get('HX-Request') === 'true' && req.get('HX-Target') === 'main';
    next();
  });

  // One account's pages: the user and the link's ownership are checked once, then the area routers.
  // Mounted before the public routers, so a cabinet request does not try each of their routes first.
  const account = Router({ mergeParams: true });
  app.use('/a/:link', requireUser, requireOwnLink(services), account);
  account.use(cabinetRoutes(services), historyRoutes(services), paymentRoutes(services), billRoutes(services));
  account.use(settingsRoutes(services, cookies), supportRoutes(services), securityRoutes(services, cookies));

  app.use(trustedDeviceLocals(services, cookies));
  app.use(authRoutes(services, cookies));
  app.use(pinRoutes(services, cookies));
  app.use(readingsWithoutLoginRoutes(services, cookies));
  app.use(passkeyLoginRoutes(services, cookies));
  app.use(documentRoutes());
  app.use(unsubscribePageRoutes(services));
  app.use(merchantPageRoutes());
  app.use(accountSwitchRoutes());
  app.use(paymentCallbackRoutes(services));
  app.use('/ops', operatorRoutes(services, cookies));
  app.use('/ops', opsSupportRoutes(services));
  if (!config.isProduction) app.use(devRoutes(services));

  app.use(notFound);
  app.use(errorHandler(options.log ?? ((error, context) => logger.error({ err: error, ...context }, 'unhandled error'))));
  return app;
}
