// npm run bench:pdf — the bill's PDF: the warm renderer (median of 20) and its throughput through
// the concurrency limit, against a bare page.pdf() of the same HTML in the same run, and the
// cached download over HTTP. Uses the test helpers for a temp database and the real app.
import puppeteer from 'puppeteer-core';
import { appendLedgerEntry } from '../db/billing/monthly-close.ts';
import { startTestApp } from '../test/helpers/app.ts';
import { seedAccount, seedReading, seedTariffs, seedUser } from '../test/helpers/fixtures.ts';
import { createClient } from '../test/helpers/http.ts';

const runs = 20;
const burst = 24;

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))];

async function timed<T>(work: () => Promise<T>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

const app = await startTestApp();
const bare = await puppeteer.launch({
  executablePath: app.config.chromePath,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  seedTariffs(app.db);
  const account = seedAccount(app.db, { zones: 3 });
  ['2026-08', '2026-09', '2026-10'].forEach((period, i) => {
    [100, 100, 100].forEach((base, zone) =>
      seedReading(app.db, { accountId: account.id, meterId: account.meterId!, period, seq: i + 1, zone: zone + 1, value: base + i * (50 + zone * 30) }),
    );
    app.services.monthlyClose.close(period, { accountIds: [account.id] });
  });
  app.db.transaction(() =>
    appendLedgerEntry(app.db, { account_id: account.id, at: 1_791_800_000, kind: 'payment', period: '2026-10', amount_kopecks: -50_000, payment_id: null, note: 'Оплата через банк' }),
  )();
  const bill = (await app.services.bills.statement(account.id, '2026-10'))!;
  const html = await app.services.bills.documentHtml(bill);
  const renderer = app.services.pdf;

  // Warm both browsers (launch + first page) before measuring.
  const coldMs = await timed(() => renderer.render(html));
  async function barePdf(): Promise<Buffer> {
    const page = await bare.newPage();
    try {
      await page.setContent(html, { waitUntil: 'load' });
      return Buffer.from(await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true }));
    } finally {
      await page.close();
    }
  }
  await barePdf();

  const ours: number[] = [];
  const plain: number[] = [];
  // Interleaved, so both see the same machine load.
  for (let i = 0; i < runs; i++) {
    ours.push(await timed(() => renderer.render(html)));
    plain.push(await timed(() => barePdf()));
  }

  const oursBurstMs = await timed(() => Promise.all(Array.from({ length: burst }, () => renderer.render(html))));
  const bareBurstMs = await timed(() => Promise.all(Array.from({ length: burst }, () => barePdf())));

  // The download over HTTP: the first renders and caches, the rest come from the table.
  const { linkId } = await seedUser(app.db, account.id, { password: 'password-123' });
  const client = createClient(app.baseUrl);
  await client.post('/login', { accountNumber: account.number, password: 'password-123' });
  const cookie = [...client.jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const url = `${app.baseUrl}/a/${linkId}/bills/2026-10.pdf`;
  app.db.prepare('DELETE FROM bill_pdfs').run();
  const get = async () => {
    const response = await fetch(url, { headers: { cookie } });
    await response.arrayBuffer();
    if (response.headers.get('content-type') !== 'application/pdf') throw new Error(`not a PDF: ${response.status}`);
    return response.headers.get('x-bill-cache');
  };
  const firstDownloadMs = await timed(get);
  const cached: number[] = [];
  for (let i = 0; i < 200; i++) cached.push(await timed(get));

  const row = (name: string, value: string) => console.log(`${name.padEnd(58)} ${value}`);
  console.log(`PDF of a 3-zone bill (${(await renderer.render(html)).length} bytes), Node ${process.version}, concurrency limit ${renderer.queue().concurrency}`);
  row('cold: launch + first PDF (renderer)', `${coldMs.toFixed(0)} ms`);
  row(`warm renderer, median of ${runs} (page per job, no network)`, `${median(ours).toFixed(0)} ms (p95 ${percentile(ours, 0.95).toFixed(0)})`);
  row(`bare page.pdf(), median of ${runs} (page per PDF)`, `${median(plain).toFixed(0)} ms (p95 ${percentile(plain, 0.95).toFixed(0)})`);
  row('  ratio renderer / bare', `${(median(ours) / median(plain)).toFixed(2)}×`);
  row(`throughput, ${burst} at once through the limit`, `${((burst * 1000) / oursBurstMs).toFixed(1)} PDF/s`);
  row(`throughput, ${burst} at once bare (no limit)`, `${((burst * 1000) / bareBurstMs).toFixed(1)} PDF/s`);
  row('  ratio renderer / bare', `${(bareBurstMs / oursBurstMs).toFixed(2)}×`);
  row('download over HTTP, first (render + cache)', `${firstDownloadMs.toFixed(0)} ms`);
  row('download over HTTP, cached, median of 200', `${median(cached).toFixed(2)} ms (p95 ${percentile(cached, 0.95).toFixed(2)})`);
  row('  warm render / cached download', `${(median(ours) / median(cached)).toFixed(0)}×`);
} finally {
  await bare.close();
  await app.services.pdf.close();
  await app.close();
}
