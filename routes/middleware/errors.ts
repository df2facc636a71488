// The last two handlers: a Russian 404 page and an error page that never shows a stack.
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { CsrfError } from './csrf.ts';

export const notFound: RequestHandler = (_req, res) => {
  res.status(404).render('pages/errors/not-found', { title: 'Страница не найдена' });
};

/** Where unhandled errors go: the logger in the app, a list in tests; context carries the request id. */
export type ErrorLog = (error: unknown, context?: { reqId?: string }) => void;

export function errorHandler(log: ErrorLog): ErrorRequestHandler {
  return (error, _req, res, _next) => {
    if (res.headersSent) return;
    const context = { reqId: res.locals.requestId as string | undefined };
    if (error instanceof CsrfError) {
      res.status(403).render('pages/errors/forbidden', { title: 'Форма устарела' });
      return;
    }
    const status = typeof error?.status === 'number' && error.status >= 400 && error.status < 500 ? error.status : 500;
    if (status === 500) log(error, context);
    res.status(status).render('pages/errors/server-error', { title: status === 500 ? 'Ошибка на сервере' : 'Запрос не принят', status }, (renderError, html) => {
      if (renderError) {
        log(renderError, context);
        res.type('text/plain; charset=utf-8').send('Ошибка на сервере. Попробуйте позже.');
        return;
      }
      res.send(html);
    });
  };
}
