// GET /healthz for a load balancer or a monitor: 200 when the app can serve, 503 when it cannot.
import { Router } from 'express';
import type { Health } from '../../services/ops/health.ts';

export function healthRoutes(health: Health): Router {
  const router = Router();
  router.get('/healthz', async (_req, res) => {
    const report = await health.check();
    res.set('Cache-Control', 'no-store');
    res.status(report.status === 'ok' ? 200 : 503).json(report);
  });
  return router;
}
