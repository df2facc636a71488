// Guards for cabinet pages: a logged-in user, and an account link that is that user's own.
import type { RequestHandler } from 'express';
import type { Services } from '../../services/index.ts';
import { requestContext } from '../request-context.ts';

export const requireUser: RequestHandler = (_req, res, next) => {
  if (!res.locals.user) {
    res.redirect(303, '/login');
    return;
  }
  next();
};

/** Finds :link among the user's links (read with the session); any link that is not theirs is a 404. */
export function requireOwnLink(services: Services): RequestHandler {
  return (req, res, next) => {
    const link = services.cabinet.ownLink(res.locals.user!.id, res.locals.links!, String(req.params.link), requestContext(req));
    if (!link) {
      res.status(404).render('pages/errors/not-found', { title: 'Страница не найдена' });
      return;
    }
    res.locals.link = link;
    next();
  };
}
