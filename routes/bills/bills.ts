// Bills of closed periods under /a/<link>/: the printable HTML bill and its PDF download.
import { Router, type Response } from 'express';
import type { Services } from '../../services/index.ts';
import type { Bill } from '../../services/bills/bills.ts';
import { formatPeriod } from '../../services/platform/format.ts';
import { isPeriod } from '../../services/billing/periods.ts';

/** The URL scheme other pages link to (Главная, the charges history). */
export const billUrls = {
  page: (linkId: number, period: string) => `/a/${linkId}/bills/${period}`,
  pdf: (linkId: number, period: string) => `/a/${linkId}/bills/${period}.pdf`,
};

/** RFC 5987 value: percent-encoded UTF-8, with the characters encodeURIComponent leaves but attr-char forbids. */
function rfc5987(value: string): string {
  return encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function billRoutes(services: Services): Router {
  const router = Router({ mergeParams: true });
  const { bills } = services;

  function notFound(res: Response, period: string) {
    res.status(404).render('pages/bills/not-found', { title: 'Счёт не найден', section: 'home', periodName: isPeriod(period) ? formatPeriod(period) : null });
  }

  function renderBill(res: Response, bill: Bill, pdfUnavailable: boolean) {
    res.setHeader('Cache-Control', 'private, no-store');
    res.render('pages/bills/show', { title: `Счёт за ${bill.periodName}`, section: 'home', bill, pdfUnavailable });
  }

  router.get('/bills/:period.pdf', async (req, res) => {
    const period = String(req.params.period);
    const bill = await bills.statement(res.locals.link!.account_id, period, { qrImage: false });
    if (!bill) return notFound(res, period);
    const download = await bills.pdfOf(bill);
    // No Chromium (missing, crashed twice, busy): the same bill as a printable page, never a 500.
    if (download.kind === 'unavailable') return renderBill(res, download.bill, true);
    const name = bills.fileName(bill);
    res.setHeader('Content-Type', 'application/pdf');
    res.setHeader('Content-Disposition', `attachment; filename="${name.ascii}"; filename*=UTF-8''${rfc5987(name.utf8)}`);
    res.setHeader('Cache-Control', 'private, no-store');
    res.setHeader('X-Bill-Cache', download.cached ? 'hit' : 'miss');
    res.send(download.pdf);
  });

  router.get('/bills/:period', async (req, res) => {
    const period = String(req.params.period);
    const bill = await bills.statement(res.locals.link!.account_id, period);
    if (!bill) return notFound(res, period);
    renderBill(res, bill, false);
  });

  return router;
}
