// История under /a/<link>/history: four views by month, each month's details, and CSV downloads.
import { Router, type Request, type Response } from 'express';
import { isPeriod } from '../../services/billing/periods.ts';
import { historyViews, historyViewTitles, type Extent, type HistoryView } from '../../services/history/history.ts';
import { chargeBasisLabels, paymentChannelLabels, paymentStatusLabels, readingSourceLabels, readingStatusLabels } from '../../services/platform/labels.ts';
import type { Services } from '../../services/index.ts';

/** The id of the box a month's details expand into; htmx names it in HX-Target. */
const detailsTarget = 'history-details';

const labels = { readingStatus: readingStatusLabels, readingSource: readingSourceLabels, paymentStatus: paymentStatusLabels, channel: paymentChannelLabels, basis: chargeBasisLabels };

/** Mounted under /a/:link behind the ownership guard. */
export function historyRoutes(services: Services): Router {
  const { history } = services;
  const account = Router({ mergeParams: true });

  const viewOf = (value: unknown): HistoryView | null => (historyViews as readonly unknown[]).includes(value) ? (value as HistoryView) : null;
  const accountId = (res: Response) => res.locals.link!.account_id;

  /** ?from=…&to=… as the customer gave them, for the tabs and the download link. */
  function rangeQuery(req: Request): string {
    const params = new URLSearchParams();
    for (const key of ['from', 'to']) {
      const value = req.query[key];
      if (typeof value === 'string' && value.trim() !== '') params.set(key, value.slice(0, 20));
    }
    const text = params.toString();
    return text === '' ? '' : `?${text}`;
  }

  async function renderView(req: Request, res: Response, view: HistoryView) {
    const extent = await history.extentOf(accountId(res));
    const parsed = history.parseRange(req.query as Record<string, unknown>, extent);
    const common = { title: historyViewTitles[view], section: 'history', view, views: historyViews, viewTitles: historyViewTitles, labels, extent, query: rangeQuery(req), values: parsed.values };
    if (!parsed.ok) {
      return res.status(422).render('pages/history/view', { ...common, errors: parsed.errors, range: null, notice: null, data: null, zoneNames: [] });
    }
    const data = await history.view(view, accountId(res), parsed.range);
    res.render('pages/history/view', {
      ...common,
      errors: {},
      range: parsed.range,
      notice: parsed.notice,
      data,
      zoneNames: 'zones' in data ? history.zoneNamesFor(data.zones) : [],
    });
  }

  function periodProblem(res: Response, view: HistoryView, status: number, message: string, extent: Extent | null) {
    res.status(status).render('pages/history/bad-period', { title: 'Месяц не найден', section: 'history', view, viewTitles: historyViewTitles, views: historyViews, message, extent, query: '' });
  }

  account.get('/history', (req, res) => renderView(req, res, 'readings'));

  // Before '/history/:view', so 'charges.csv' is a download and not a view named so.
  account.get('/history/:view.csv', async (req, res) => {
    const view = viewOf(req.params.view);
    if (!view) return res.status(404).render('pages/errors/not-found', { title: 'Страница не найдена' });
    const extent = await history.extentOf(accountId(res));
    const parsed = history.parseRange(req.query as Record<string, unknown>, extent);
    if (!parsed.ok) return renderView(req, res, view);
    const file = await history.csv(view, accountId(res), parsed.range);
    res.set('Content-Type', 'text/csv; charset=utf-8');
    res.set('Content-Disposition', `attachment; filename="${file.asciiName}"; filename*=UTF-8''${encodeRFC5987(file.utf8Name)}`);
    res.set('Cache-Control', 'private, no-store');
    res.send(file.body);
  });

  account.get('/history/:view', (req, res) => {
    const view = viewOf(req.params.view);
    if (!view) return res.status(404).render('pages/errors/not-found', { title: 'Страница не найдена' });
    renderView(req, res, view);
  });

  account.get('/history/:view/:period', async (req, res) => {
    const view = viewOf(req.params.view);
    if (!view) return res.status(404).render('pages/errors/not-found', { title: 'Страница не найдена' });
    const period = String(req.params.period);
    if (!isPeriod(period)) {
      return periodProblem(res, view, 404, 'В адресе нет месяца в виде ГГГГ-ММ (например, 2026-03). Выберите месяц в списке.', null);
    }
    const extent = await history.extentOf(accountId(res));
    if (!history.inExtent(extent, period)) {
      return periodProblem(res, view, 404, `За ${period} истории по счёту нет. ${history.describeExtent(extent)}`, extent);
    }
    const data = await history.view(view, accountId(res), { from: period, to: period });
    const locals = {
      title: `${historyViewTitles[view]}: ${services.format.period(period)}`,
      section: 'history',
      view,
      views: historyViews,
      viewTitles: historyViewTitles,
      labels,
      period,
      month: data.months[0] ?? null,
      zoneNames: 'zones' in data ? history.zoneNamesFor(data.zones) : [],
      query: rangeQuery(req),
    };
    // htmx expands the month in place only when it asks for that box; anything else gets the page.
    if (req.get('HX-Request') === 'true' && req.get('HX-Target') === detailsTarget) return res.render('pages/history/month-fragment', locals);
    res.render('pages/history/month', locals);
  });

  return account;
}

/** RFC 5987 percent-encoding for filename*: encodeURIComponent leaves a few characters it must not. */
function encodeRFC5987(text: string): string {
  return encodeURIComponent(text).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
