// GET /healthz for a load balancer or a monitor: 200 when the app can serve, 503 when it cannot.
import type { Express } from 'express';
import type { Health } from '../../services/ops/health.ts';

/** Added to the app itself, not as a router of its own (see app.ts). */
export function healthRoutes(app: Express, health: Health): void {
  app.get('/healthz', async (_req, res) => {
    const report = await health.check();
    res.set('Cache-Control', 'no-store');
    res.status(report.status === 'ok' ? 200 : 503).json(report);
  });
}
