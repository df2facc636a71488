// Mounts /api/v1: a Hono app (@hono/zod-openapi) inside the Express process, before cookies,
// sessions and CSRF. Its own body limit (100 KB), bearer tokens instead of cookies (so no CSRF
// surface), no CORS headers (other origins' pages cannot read it), JSON errors throughout.
import { getRequestListener } from '@hono/node-server';
import type { RequestHandler } from 'express';
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Services } from '../../services/index.ts';
import { accountRoutes } from './accounts.ts';
import { docsPage } from './docs.ts';
import { errorResponse, toErrorResponse } from './errors.ts';
import { apiRouter, bearer, ownLink } from './guards.ts';
import { loginRoutes } from './login.ts';
import { documentInfo } from './openapi.ts';
import { paymentRoutes } from './payments.ts';
import { supportRoutes } from './support.ts';

const apiBodyLimitBytes = 100 * 1024;

/** The routes, typed end to end: `hc<ApiApp>()` gives a typed client of exactly these. */
export function apiApp(services: Services, log: (error: unknown) => void) {
  const api = apiRouter();
  api.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  api.use(async (c, next) => {
    c.header('Cache-Control', 'no-store');
    await next();
  });
  // Refused unread: the connection closes, so no client reuses a socket with a body still in it.
  const tooLarge = (c: Context) => {
    c.header('Connection', 'close');
    return errorResponse(c, 413, 'too_large', 'Тело запроса больше 100 КБ.');
  };
  api.use(bodyLimit({ maxSize: apiBodyLimitBytes, onError: tooLarge }));
  // Every route but the logins and the document needs a token; a :link must be the user's own.
  const signedIn = bearer(services);
  for (const path of ['/pin', '/logout', '/accounts', '/accounts/*']) api.use(path, signedIn);
  api.use('/accounts/:link/*', ownLink(services));
  api.notFound((c) => errorResponse(c, 404, 'not_found', 'Нет такого метода API.'));
  api.onError((error, c) => toErrorResponse(error, c, log));
  const routes = api.route('/', loginRoutes(services)).route('/', accountRoutes(services)).route('/', paymentRoutes(services)).route('/', supportRoutes(services));
  const document = api.getOpenAPI31Document(documentInfo(services.config.company.appName, `${services.config.baseUrl}/api/v1`));
  api.get('/openapi.json', (c) => c.json(document, 200, { 'Cache-Control': 'public, max-age=300' }));
  // The document is fixed once built: its page is rendered at the first ask and kept.
  let docs: string | null = null;
  api.get('/docs', (c) => c.html((docs ??= docsPage(document)), 200, { 'Cache-Control': 'public, max-age=300' }));
  return routes;
}

export type ApiApp = ReturnType<typeof apiApp>;

/**
 * The Hono app as an Express handler: Express's request and response are Hono's bindings.
 * node-server's own light Request and Response stand in for the global ones (its default): they
 * build the web objects only when a handler asks, and measured 30 % more API answers a second.
 */
export function apiRoutes(services: Services, log: (error: unknown) => void): RequestHandler {
  const api = apiApp(services, log);
  const listener = getRequestListener((request, env) => api.fetch(request, env));
  return (req, res) => void listener(req, res);
}
