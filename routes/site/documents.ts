// Public documents: the user agreement and the consent to personal data processing.
import { Router } from 'express';

export function documentRoutes(): Router {
  const router = Router();
  router.get('/documents/agreement', (_req, res) => {
    res.render('pages/documents/agreement', { title: 'Пользовательское соглашение' });
  });
  router.get('/documents/personal-data', (_req, res) => {
    res.render('pages/documents/personal-data', { title: 'Согласие на обработку персональных данных' });
  });
  return router;
}
