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

/** Loads :link for the user; any link that is not theirs is a 404. */
export function requireOwnLink(services: Services): RequestHandler {
  return async (req, res, next) => {
    const user = res.locals.user!;
    const own = await services.cabinet.linkFor(user.id, String(req.params.link), requestContext(req));
    if (!own) {
      res.status(404).render('pages/errors/not-found', { title: 'Страница не найдена' });
      return;
    }
    res.locals.link = own.link;
    res.locals.links = own.links;
    next();
  };
}
