// The one-click unsubscribe of notice letters, without login: /unsubscribe/<signed token>.
// GET shows a confirm page; POST (its form, or a mail client's RFC 8058 one-click POST, which
// carries no cookie and no CSRF token) switches the notices off. The token is the authentication.
import { Router, type Express } from 'express';
import type { Services } from '../../services/index.ts';
import { requestContext } from '../request-context.ts';

const listNames = { readings: 'напоминания о передаче показаний', debt: 'уведомления о задолженности' } as const;

/** Added to the app itself before the CSRF check (see app.ts): the POST never renders, it answers 303 either way. */
export function unsubscribeOneClickRoutes(app: Express, services: Services): void {
  app.post('/unsubscribe/:token', (req, res) => {
    const token = req.params.token;
    const done = services.notices.unsubscribe(token, requestContext(req));
    // A bad token goes back to its GET, which says the link is not valid.
    res.redirect(303, `/unsubscribe/${encodeURIComponent(token)}${done ? '/done' : ''}`);
  });
}

export function unsubscribePageRoutes(services: Services): Router {
  const router = Router();
  router.get('/unsubscribe/:token', (req, res) => {
    const target = services.notices.unsubscribeTarget(req.params.token);
    if (!target) return res.status(404).render('pages/notices/unsubscribe-invalid', { title: 'Ссылка недействительна' });
    res.render('pages/notices/unsubscribe', { title: 'Отписаться от писем', listName: listNames[target.list], subscribed: target.subscribed, token: req.params.token });
  });
  router.get('/unsubscribe/:token/done', (req, res) => {
    const target = services.notices.unsubscribeTarget(req.params.token);
    if (!target) return res.status(404).render('pages/notices/unsubscribe-invalid', { title: 'Ссылка недействительна' });
    res.render('pages/notices/unsubscribe-done', { title: 'Вы отписались', listName: listNames[target.list] });
  });
  return router;
}
