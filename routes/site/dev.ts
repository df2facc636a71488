// Outside production only: the mailbox page that shows letters kept in the outbox.
import { Router } from 'express';
import type { Services } from '../../services/index.ts';

export function devRoutes(services: Services): Router {
  const router = Router();
  router.get('/dev/mailbox', (_req, res) => {
    res.render('pages/dev/mailbox', { title: 'Почтовый ящик разработчика', messages: services.mail.recent(50) });
  });
  router.get('/dev/mailbox/:id', (req, res) => {
    const id = Number(req.params.id);
    const message = Number.isSafeInteger(id) ? services.mail.letter(id) : undefined;
    if (!message) return res.status(404).render('pages/errors/not-found', { title: 'Страница не найдена' });
    res.render('pages/dev/letter', { title: message.subject, message });
  });
  return router;
}
