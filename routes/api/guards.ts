// The API's guards, as Hono middleware: a bearer token names the user; a :link must be one of
// that user's accounts (a foreign or malformed one is a 404, logged as on the pages).
import type { Request, Response } from 'express';
import { OpenAPIHono } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import type { AccountLinkRow, UserRow } from '../../db/auth/users.ts';
import type { Services } from '../../services/index.ts';
import { requestContext } from '../request-context.ts';
import { ApiError, validationHook } from './errors.ts';

/** The API runs inside Express: Hono's bindings are Express's own request and response. */
export type ApiEnv = {
  Bindings: { incoming: Request; outgoing: Response };
  Variables: { user: UserRow; links: AccountLinkRow[]; link: AccountLinkRow; token: string };
};

/** The request's IP (as Express's trust proxy setting sees it) and user agent, for throttles and the audit log. */
export const contextOf = (c: { env: ApiEnv['Bindings'] }) => requestContext(c.env.incoming);

export function bearer(services: Services): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const match = /^Bearer ([^\s]+)$/i.exec(c.req.header('authorization') ?? '');
    const valid = match ? await services.apiTokens.validate(match[1]) : null;
    if (!match || !valid) throw new ApiError(401, 'unauthorized', match ? 'Токен недействителен или истёк: войдите снова.' : 'Нужен токен: заголовок Authorization: Bearer <токен> из POST /api/v1/login.');
    c.set('user', valid.user);
    c.set('links', valid.links);
    c.set('token', match[1]);
    await next();
  };
}

export function ownLink(services: Services): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const link = services.cabinet.ownLink(c.get('user').id, c.get('links'), c.req.param('link') ?? '', contextOf(c));
    if (!link) throw new ApiError(404, 'not_found', 'Лицевой счёт не найден среди ваших.');
    c.set('link', link);
    await next();
  };
}

/** Every API router validates with the same hook, so a bad request part is always the error body. */
export function apiRouter() {
  return new OpenAPIHono<ApiEnv>({ defaultHook: (result) => validationHook(result as Parameters<typeof validationHook>[0]) });
}
