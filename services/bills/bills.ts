// The bill (счёт) of an account for a closed period: its data, its printable HTML, its PDF
// (cached once rendered) and the job that sends bills by e-mail.
import ejs from 'ejs';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { getAccountById, getActiveMeter, type AccountRow, type MeterRow } from '../../db/accounts/accounts.ts';
import {
  acceptedSubmissionOfPeriod,
  getCachedBillPdf,
  getCharge,
  insertBillMailing,
  ledgerSumBeforePeriod,
  listBillRecipients,
  listChargeLines,
  listLedgerOfPeriod,
  previousAcceptedPeriod,
  putCachedBillPdf,
} from '../../db/bills/bills.ts';
import type { ChargeRow } from '../../db/billing/charges.ts';
import type { Db } from '../../db/connection.ts';
import { getTariffPrices } from '../../db/billing/tariffs.ts';
import { nowSeconds, type Clock } from '../platform/clock.ts';
import type { Company } from '../platform/config.ts';
import { createFormatter, formatInteger, formatPeriod } from '../platform/format.ts';
import type { Mail } from '../platform/mail.ts';
import { paymentQrDataUri, paymentQrPayload } from './payment-qr.ts';
import { PdfUnavailable, type PdfRenderer } from './pdf.ts';
import { isPeriod } from '../billing/periods.ts';
import { bandsOf, categoryNames, consumptionBetween, zoneNames } from '../billing/tariffs.ts';

const viewsDir = fileURLToPath(new URL('../../views/', import.meta.url));
const billCssPath = fileURLToPath(new URL('../../static/bill.css', import.meta.url));

export const basisNames: Record<ChargeRow['basis'], string> = {
  readings: 'по показаниям прибора учёта',
  average: 'по среднемесячному объёму (показания не переданы)',
  norm: 'по нормативу потребления',
};

export type BillReading = { zone: number; name: string; previous: number | null; previousPeriod: string | null; current: number | null; difference: number | null };
export type BillLine = { zone: number; zoneName: string; band: string | null; kwh: number; kopecksPerKwh: number | null; amountKopecks: number };
export type BillEntry = { at: number; note: string; amountKopecks: number };

export type Bill = {
  period: string;
  periodName: string;
  account: Pick<AccountRow, 'id' | 'number' | 'holder' | 'address'>;
  categoryName: string;
  meter: Pick<MeterRow, 'model' | 'serial' | 'zones'> | null;
  basis: ChargeRow['basis'];
  basisName: string;
  source: ChargeRow['source'];
  kwh: number;
  readings: BillReading[];
  lines: BillLine[];
  chargedKopecks: number;
  recalculations: BillEntry[];
  recalculatedKopecks: number;
  openingKopecks: number;
  payments: BillEntry[];
  paidKopecks: number;
  closingKopecks: number;
  amountDueKopecks: number;
  dueOn: string;
  issuedAt: number;
  qr: { payload: string; dataUri: string };
};

export type BillDownload =
  | { kind: 'pdf'; pdf: Buffer; cached: boolean; bill: Bill }
  | { kind: 'unavailable'; bill: Bill; reason: string };

export type Bills = ReturnType<typeof createBills>;

export function createBills(deps: { db: Db; clock: Clock; company: Company; renderer: PdfRenderer; mail: Mail }) {
  const { db, clock, company, renderer, mail } = deps;
  const format = createFormatter(company.timeZone);
  // Read once: the stylesheet is part of the code, like the templates.
  let billCss: string | null = null;
  const css = () => (billCss ??= readFileSync(billCssPath, 'utf8'));

  function bandLabel(band: number, bands: [number, number | null][]): string | null {
    if (bands.length < 2) return null;
    const [from, to] = bands[band - 1] ?? [0, null];
    if (to === null) return `свыше ${formatInteger(from)} кВт·ч`;
    if (from === 0) return `до ${formatInteger(to)} кВт·ч`;
    return `${formatInteger(from + 1)}–${formatInteger(to)} кВт·ч`;
  }

  function readingsOf(account: AccountRow, meter: MeterRow, period: string): BillReading[] {
    const names = zoneNames[meter.zones];
    const current = acceptedSubmissionOfPeriod(db, account.id, meter.id, period);
    const previousPeriod = previousAcceptedPeriod(db, account.id, meter.id, period);
    const previous = previousPeriod ? acceptedSubmissionOfPeriod(db, account.id, meter.id, previousPeriod) : [];
    return names.map((name, i) => {
      const zone = i + 1;
      const now = current.find((r) => r.zone === zone)?.value ?? null;
      const before = previous.find((r) => r.zone === zone)?.value ?? null;
      return {
        zone,
        name,
        previous: before,
        previousPeriod: before === null ? null : previousPeriod,
        current: now,
        difference: now !== null && before !== null ? consumptionBetween(before, now, meter.digits) : null,
      };
    });
  }

  /**
   * The bill of a closed period, or null when the period is not closed for the account (or
   * malformed). `qrImage: false` leaves the QR code's picture (the costly part) to pdfOf, which
   * draws it only when the cached PDF is stale.
   */
  async function statement(accountId: number, period: string, options: { qrImage?: boolean } = {}): Promise<Bill | null> {
    if (!isPeriod(period)) return null;
    // One read transaction: the charge, the ledger and the readings agree with each other.
    const data = db.transaction(() => {
      const charge = getCharge(db, accountId, period);
      const account = getAccountById(db, accountId);
      if (!charge || !account) return null;
      const meter = getActiveMeter(db, accountId);
      const zones = (meter?.zones ?? 1) as 1 | 2 | 3;
      const bands = bandsOf(getTariffPrices(db, account.category, zones, `${period}-01`));
      const chargeLines = listChargeLines(db, accountId, period);
      const lines: BillLine[] =
        chargeLines.length > 0
          ? chargeLines.map((line) => ({
              zone: line.zone,
              zoneName: zoneNames[zones][line.zone - 1] ?? `Зона ${line.zone}`,
              band: bandLabel(line.band, bands),
              kwh: line.kwh,
              kopecksPerKwh: line.kopecks_per_kwh,
              amountKopecks: line.amount_kopecks,
            }))
          : // A charge imported from the billing side may come without lines: one line for the month.
            [{ zone: 1, zoneName: 'Электроэнергия', band: null, kwh: charge.kwh, kopecksPerKwh: null, amountKopecks: charge.amount_kopecks }];
      const ledger = listLedgerOfPeriod(db, accountId, period);
      const entry = (e: (typeof ledger)[number], fallback: string): BillEntry => ({ at: e.at, note: e.note ?? fallback, amountKopecks: e.amount_kopecks });
      const recalculations = ledger.filter((e) => e.kind === 'recalculation').map((e) => entry(e, 'Перерасчёт'));
      // Payments are credits (negative in the ledger); reversals of payments take them back.
      const payments = ledger
        .filter((e) => e.kind === 'payment' || e.kind === 'reversal')
        .map((e) => ({ ...entry(e, e.kind === 'payment' ? 'Оплата' : 'Отмена оплаты'), amountKopecks: -e.amount_kopecks }));
      const openingKopecks = ledgerSumBeforePeriod(db, accountId, period);
      const chargedInLedger = ledger.filter((e) => e.kind === 'charge').reduce((sum, e) => sum + e.amount_kopecks, 0);
      // An imported period may have no ledger line (loaded as history): the charge row is the source then.
      const chargedKopecks = ledger.some((e) => e.kind === 'charge') ? chargedInLedger : charge.amount_kopecks;
      const otherKopecks = ledger.filter((e) => e.kind === 'opening').reduce((sum, e) => sum + e.amount_kopecks, 0);
      const recalculatedKopecks = recalculations.reduce((sum, e) => sum + e.amountKopecks, 0);
      const paidKopecks = payments.reduce((sum, e) => sum + e.amountKopecks, 0);
      const closingKopecks = openingKopecks + otherKopecks + chargedKopecks + recalculatedKopecks - paidKopecks;
      return {
        period,
        periodName: formatPeriod(period),
        account: { id: account.id, number: account.number, holder: account.holder, address: account.address },
        categoryName: categoryNames[account.category],
        meter: meter ? { model: meter.model, serial: meter.serial, zones: meter.zones } : null,
        basis: charge.basis,
        basisName: basisNames[charge.basis],
        source: charge.source,
        kwh: charge.kwh,
        readings: meter ? readingsOf(account, meter, period) : [],
        lines,
        chargedKopecks,
        recalculations,
        recalculatedKopecks,
        openingKopecks: openingKopecks + otherKopecks,
        payments,
        paidKopecks,
        closingKopecks,
        amountDueKopecks: Math.max(0, closingKopecks),
        dueOn: charge.due_on,
        issuedAt: charge.closed_at,
      };
    })();
    if (!data) return null;
    const payload = paymentQrPayload({
      company,
      accountNumber: data.account.number,
      period,
      sumKopecks: data.amountDueKopecks,
      purpose: `Оплата электроэнергии за ${data.periodName}, л/с ${data.account.number}`,
    });
    return { ...data, qr: { payload, dataUri: options.qrImage === false ? '' : await paymentQrDataUri(payload) } };
  }

  /** The standalone printable document (for Chromium and the e-mail): styles inline, nothing fetched. */
  async function documentHtml(bill: Bill): Promise<string> {
    const html = await ejs.renderFile(`${viewsDir}bills/document.ejs`, { bill, company, format }, { root: viewsDir, cache: true });
    // Our own stylesheet, inserted here rather than through the template so that <%= %> never escapes it.
    return html.replace('<!--bill-css-->', () => `<style>${css()}</style>`);
  }

  // The templates and the stylesheet are part of a bill's fingerprint: changing them renders anew.
  let layoutHash: string | null = null;
  const inFlight = new Map<string, Promise<Buffer>>();
  function fingerprintOf(bill: Bill): string {
    layoutHash ??= createHash('sha256')
      .update(['bills/_bill.ejs', 'bills/document.ejs'].map((name) => readFileSync(`${viewsDir}${name}`, 'utf8')).join('\0') + css())
      .digest('hex');
    return createHash('sha256').update(layoutHash).update(JSON.stringify({ ...bill, qr: bill.qr.payload })).digest('hex');
  }

  /** The PDF of a closed period: from the cache when the bill has not changed, else rendered and cached. */
  async function pdfOf(bill: Bill): Promise<BillDownload> {
    const fingerprint = fingerprintOf(bill);
    const cached = getCachedBillPdf(db, bill.account.id, bill.period);
    if (cached && cached.fingerprint === fingerprint) return { kind: 'pdf', pdf: cached.pdf, cached: true, bill };
    if (!bill.qr.dataUri) bill = { ...bill, qr: { ...bill.qr, dataUri: await paymentQrDataUri(bill.qr.payload) } };
    // The same bill asked for again while it renders (a double click, a burst) shares that render.
    let rendering = inFlight.get(fingerprint);
    if (!rendering) {
      const html = await documentHtml(bill);
      rendering = renderer.render(html).then((pdf) => {
        putCachedBillPdf(db, { account_id: bill.account.id, period: bill.period, fingerprint, pdf, created_at: nowSeconds(clock) });
        return pdf;
      });
      inFlight.set(fingerprint, rendering);
      void rendering.then(
        () => inFlight.delete(fingerprint),
        () => inFlight.delete(fingerprint),
      );
    }
    try {
      return { kind: 'pdf', pdf: await rendering, cached: false, bill };
    } catch (error) {
      if (error instanceof PdfUnavailable) return { kind: 'unavailable', bill, reason: error.message };
      throw error;
    }
  }

  /** 'Счёт_500000001_2026-10.pdf', with an ASCII twin for old clients. */
  function fileName(bill: Bill): { utf8: string; ascii: string } {
    return { utf8: `Счёт_${bill.account.number}_${bill.period}.pdf`, ascii: `schet_${bill.account.number}_${bill.period}.pdf` };
  }

  async function letterFor(bill: Bill): Promise<{ subject: string; text: string; html: string }> {
    const subject = `Счёт за электроэнергию за ${bill.periodName}, лицевой счёт ${bill.account.number}`;
    const locals = { bill, company, format, subject };
    const [html, text] = await Promise.all([
      ejs.renderFile(`${viewsDir}bills/letter.html.ejs`, locals, { cache: true }),
      ejs.renderFile(`${viewsDir}bills/letter.txt.ejs`, locals, { cache: true, escape: (s: unknown) => String(s) }),
    ]);
    return { subject, html, text };
  }

  /**
   * Sends the period's bills to every account with e-mail delivery, once each: a log row per
   * account and period (and the outbox's dedupe key) make a second run, or a run after a crash,
   * skip what already went. Chunks commit on their own, so it runs beside the server.
   */
  async function mailPeriod(period: string, options: { chunk?: number; log?: (line: string) => void } = {}) {
    if (!isPeriod(period)) throw new Error(`Not a period: ${period}`);
    const chunk = options.chunk ?? 20;
    const report = { period, queued: 0, alreadyQueued: 0, unavailable: 0 };
    let after = 0;
    for (;;) {
      const recipients = listBillRecipients(db, period, after, chunk);
      if (recipients.length === 0) break;
      after = recipients[recipients.length - 1].account_id;
      // Render the chunk's PDFs (Chromium, through the queue), then commit the chunk at once.
      const rendered = await Promise.all(
        recipients.map(async (recipient) => {
          const bill = await statement(recipient.account_id, period);
          if (!bill) return null;
          const download = await pdfOf(bill);
          return download.kind === 'pdf' ? { recipient, bill, pdf: download.pdf, letter: await letterFor(bill) } : null;
        }),
      );
      report.unavailable += rendered.filter((r) => r === null).length;
      db.transaction(() => {
        for (const item of rendered) {
          if (!item) continue;
          const { recipient, bill, pdf, letter } = item;
          const outboxId = mail.enqueue({
            kind: 'bill',
            to: recipient.email,
            subject: letter.subject,
            text: letter.text,
            html: letter.html,
            dedupeKey: `bill:${recipient.number}:${period}`,
            attachments: [{ filename: fileName(bill).utf8, contentType: 'application/pdf', content: pdf }],
          });
          if (outboxId === null) report.alreadyQueued++;
          else report.queued++;
          insertBillMailing(db, { account_id: recipient.account_id, period, outbox_id: outboxId, to_address: recipient.email, created_at: nowSeconds(clock) });
        }
      })();
      options.log?.(`${period}: ${report.queued} в очереди писем, до счёта №${after}`);
      // A chunk that could not be rendered stops the run: the next run resumes there.
      if (rendered.some((r) => r === null)) break;
    }
    return report;
  }

  return { statement, documentHtml, pdfOf, fileName, letterFor, mailPeriod, renderer };
}
