// Builds the Express app: middleware in one fixed order, then the route tables.
import cookieParser from 'cookie-parser';
import ejs from 'ejs';
import express, { type Express } from 'express';
import { fileURLToPath } from 'node:url';
import type { Services } from '../services/index.ts';
import { authRoutes } from './auth.ts';
import { billRoutes } from './bills.ts';
import { cabinetRoutes, cabinetSections } from './cabinet.ts';
import { devRoutes } from './dev.ts';
import { historyRoutes } from './history.ts';
import { documentRoutes } from './documents.ts';
import { merchantPageRoutes } from './merchant-pages.ts';
import { operatorRoutes } from './operators.ts';
import { opsSupportRoutes } from './ops-support.ts';
import { paymentRoutes } from './payments.ts';
import { settingsRoutes } from './settings.ts';
import { supportRoutes, supportUploads } from './support.ts';
import { requireOwnLink, requireUser } from './middleware/auth-guards.ts';
import { cookieSettings } from './middleware/cookies.ts';
import { csrfProtection } from './middleware/csrf.ts';
import { errorHandler, notFound } from './middleware/errors.ts';
import './middleware/locals.ts';
import { securityHeaders } from './middleware/security-headers.ts';
import { setUpSessions } from './middleware/sessions.ts';

const viewsDir = fileURLToPath(new URL('../views', import.meta.url));
const staticDir = fileURLToPath(new URL('../static', import.meta.url));

export function createApp(services: Services, options: { log?: (error: unknown) => void } = {}): Express {
  const { config } = services;
  const app = express();
  const cookies = cookieSettings(config);

  // Includes are absolute from views/ ('/partials/field'); templates are cached in production.
  app.engine('ejs', (path, data, callback) => {
    ejs.renderFile(path, data as ejs.Data, { root: viewsDir, cache: config.isProduction }, callback);
  });
  app.set('view engine', 'ejs');
  app.set('views', viewsDir);
  app.set('trust proxy', config.trustProxy);
  app.set('x-powered-by', false);
  Object.assign(app.locals, { company: config.company, format: services.format, devMailbox: !config.isProduction, cabinetSections });

  app.use(securityHeaders(config));
  app.use('/static', express.static(staticDir, { maxAge: config.isProduction ? '7d' : 0, index: false }));
  app.use(express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 100 }));
  app.use(cookieParser());
  app.use(setUpSessions(services, cookies));
  // Upload forms are multipart: their body (with limits) is parsed first so the CSRF check can read it.
  app.use(supportUploads(services, cookies));
  app.use(csrfProtection(config, cookies));

  app.use((req, res, next) => {
    // A boosted section link asks for <main> only (HX-Target); any other request gets the whole page.
    res.locals.fragment = req.get('HX-Request') === 'true' && req.get('HX-Target') === 'main';
    next();
  });

  app.use(authRoutes(services, cookies));
  app.use(documentRoutes());
  app.use(merchantPageRoutes());
  app.use(cabinetRoutes(services));
  app.use('/a/:link', requireUser, requireOwnLink(services), billRoutes(services));
  app.use('/a/:link', requireUser, requireOwnLink(services), settingsRoutes(services, cookies));
  app.use('/a/:link', requireUser, requireOwnLink(services), supportRoutes(services));
  app.use(historyRoutes(services));
  app.use(paymentRoutes(services));
  app.use('/ops', operatorRoutes(services, cookies));
  app.use('/ops', opsSupportRoutes(services));
  if (!config.isProduction) app.use(devRoutes(services));

  app.use(notFound);
  app.use(errorHandler(options.log ?? ((error) => console.error(error))));
  return app;
}
