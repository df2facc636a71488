// The public pages acquiring banks require on a merchant's site: payment security, refunds,
// delivery, requisites and contacts (the offer is the user agreement at /documents/agreement).
import { Router } from 'express';

export const merchantPages = [
  { path: '/payment-security', view: 'security', title: 'Безопасность платежей' },
  { path: '/refunds', view: 'refunds', title: 'Возврат денежных средств' },
  { path: '/delivery', view: 'delivery', title: 'Условия оказания услуги' },
  { path: '/requisites', view: 'requisites', title: 'Реквизиты и контакты' },
] as const;

export function merchantPageRoutes(): Router {
  const router = Router();
  for (const page of merchantPages) {
    router.get(page.path, (_req, res) => res.render(`pages/merchant/${page.view}`, { title: page.title }));
  }
  return router;
}
