// Mounts /api/v1: its own JSON body parser (100 KB), bearer tokens instead of cookies (so no
// CSRF surface), no CORS headers (other origins' pages cannot read it), JSON errors throughout.
import express, { Router, type ErrorRequestHandler, type RequestHandler } from 'express';
import type { z } from 'zod';
import type { Services } from '../../services/index.ts';
import { requestContext } from '../request-context.ts';
import { ApiError, openApiDocument, type ApiRoute, type ErrorBody } from './define.ts';
import { v1Routes } from './v1.ts';

export const apiBodyLimit = '100kb';

function fieldErrors(error: z.ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) fields[issue.path.map(String).join('.') || 'body'] ??= issue.message;
  return fields;
}

function sendError(res: express.Response, status: number, code: string, message: string, fields?: Record<string, string>, extra?: Record<string, unknown>): void {
  const body: ErrorBody = { error: { code, message, ...(fields ? { fields } : {}), ...extra } };
  if (status === 401) res.setHeader('WWW-Authenticate', 'Bearer');
  res.status(status).json(body);
}

export function apiRoutes(services: Services, log: (error: unknown) => void): Router {
  const router = Router();
  const routes = v1Routes(services);
  const document = openApiDocument(routes, { title: `${services.config.company.appName}: API личного кабинета`, version: '1.0.0', serverUrl: `${services.config.baseUrl}/api/v1` });

  router.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  router.use(express.json({ limit: apiBodyLimit, strict: true }));

  router.get('/openapi.json', (_req, res) => {
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.json(document);
  });

  const authenticate: RequestHandler = (req, res, next) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer ([^\s]+)$/i.exec(header);
    const user = match ? services.apiTokens.validate(match[1]) : null;
    if (!match || !user) return next(new ApiError(401, 'unauthorized', match ? 'Токен недействителен или истёк: войдите снова.' : 'Нужен токен: заголовок Authorization: Bearer <токен> из POST /api/v1/login.'));
    res.locals.user = user;
    res.locals.apiToken = match[1];
    next();
  };

  /** Any :link that is not the user's own is a 404, as on the pages (and logged the same way). */
  const ownLink: RequestHandler = (req, res, next) => {
    const link = services.cabinet.linkFor(res.locals.user!.id, String(req.params.link), requestContext(req));
    if (!link) return next(new ApiError(404, 'not_found', 'Лицевой счёт не найден среди ваших.'));
    res.locals.link = link;
    next();
  };

  for (const definition of routes) {
    const chain: RequestHandler[] = [];
    if (definition.auth) chain.push(authenticate);
    if (definition.path.includes(':link')) chain.push(ownLink);
    chain.push(async (req, res) => {
      if (definition.body && req.method === 'POST' && !req.is('application/json')) {
        throw new ApiError(415, 'unsupported_media_type', 'Тело запроса должно быть JSON (Content-Type: application/json).');
      }
      const parts = { params: definition.params?.safeParse(req.params), query: definition.query?.safeParse(req.query), body: definition.body?.safeParse(req.body) };
      for (const [where, parsed] of Object.entries(parts)) {
        if (parsed && !parsed.success) {
          // A malformed id in the path is as unknown as a foreign one.
          if (where === 'params') throw new ApiError(404, 'not_found', 'Не найдено.');
          throw new ApiError(422, 'validation', 'Проверьте данные запроса.', fieldErrors(parsed.error));
        }
      }
      await definition.handler({
        req,
        res,
        user: res.locals.user!,
        link: res.locals.link!,
        token: res.locals.apiToken ?? '',
        params: parts.params?.data ?? {},
        query: parts.query?.data ?? {},
        body: parts.body?.data,
      });
    });
    router[definition.method](definition.path, ...chain);
  }

  router.use((_req, _res, next) => next(new ApiError(404, 'not_found', 'Нет такого метода API.')));

  const errors: ErrorRequestHandler = (error, _req, res, _next) => {
    if (res.headersSent) return;
    if (error instanceof ApiError) return sendError(res, error.status, error.code, error.message, error.fields, error.extra);
    const type = (error as { type?: string })?.type;
    if (type === 'entity.parse.failed') return sendError(res, 400, 'bad_json', 'Тело запроса — не корректный JSON.');
    if (type === 'entity.too.large') return sendError(res, 413, 'too_large', 'Тело запроса больше 100 КБ.');
    if (type === 'encoding.unsupported' || type === 'charset.unsupported') return sendError(res, 415, 'unsupported_media_type', 'Тело запроса должно быть JSON в UTF-8.');
    const status = typeof error?.status === 'number' && error.status >= 400 && error.status < 500 ? error.status : 500;
    if (status === 500) log(error);
    sendError(res, status, status === 500 ? 'server_error' : 'bad_request', status === 500 ? 'Ошибка на сервере. Попробуйте позже.' : 'Запрос не принят.');
  };
  router.use(errors);
  return router;
}

/** The route table, for tests that must cover every API route. */
export function apiRouteTable(services: Services): ApiRoute[] {
  return v1Routes(services);
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Locals {
      apiToken?: string;
    }
  }
}
