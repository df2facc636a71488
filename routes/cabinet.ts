// The cabinet under /a/<link>/: the manual's sections. Later issues fill them in.
import { Router } from 'express';
import type { Services } from '../services/index.ts';
import { requireOwnLink, requireUser } from './middleware/auth-guards.ts';

export const sections = [
  { path: '', name: 'home', title: 'Главная' },
  { path: 'info', name: 'info', title: 'Информация' },
  { path: 'history', name: 'history', title: 'История' },
  { path: 'settings', name: 'settings', title: 'Настройки' },
  { path: 'support', name: 'support', title: 'Центр поддержки' },
] as const;

export function cabinetRoutes(services: Services): Router {
  const router = Router();

  router.get('/switch', requireUser, (req, res) => {
    const links = services.cabinet.links(res.locals.user!.id);
    const target = links.find((link) => String(link.id) === String(req.query.link));
    const section = sections.find((s) => s.path === req.query.section)?.path ?? '';
    if (!target) return res.status(404).render('pages/errors/not-found', { title: 'Страница не найдена' });
    res.redirect(303, `/a/${target.id}/${section}`);
  });

  const account = Router({ mergeParams: true });
  router.use('/a/:link', requireUser, requireOwnLink(services), account);

  for (const section of sections) {
    account.get(`/${section.path}`, (_req, res) => {
      res.render('pages/cabinet/placeholder', { title: section.title, section: section.name });
    });
  }

  return router;
}
