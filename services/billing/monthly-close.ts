// The monthly close: turns a period's accepted readings into charges (or charges by average or
// norm), writes the ledger, and leaves alone any account whose period is already charged.
import { getAccountWithMeter } from '../../db/accounts/accounts.ts';
import {
  acceptedReadingOfPeriod,
  appendLedgerEntry,
  chargeHistory,
  earliestAcceptedPeriod,
  insertCharge,
  listAccountIdsAfter,
  reconciledBasePeriod,
} from '../../db/billing/monthly-close.ts';
import type { Db } from '../../db/connection.ts';
import { isPeriodClosed } from '../../db/billing/readings.ts';
import { getTariffPrices } from '../../db/billing/tariffs.ts';
import { chargeForMonth, recalculationNote, type MonthCharge } from './month-charge.ts';
import { bind } from '../platform/bind.ts';
import { nowSeconds, type Clock } from '../platform/clock.ts';
import type { Company } from '../platform/config.ts';
import { addMonths } from './periods.ts';

export type CloseReport = { period: string; charged: number; skipped: number; byBasis: Record<string, number>; missingTariff: number };

type MonthlyCloseContext = { db: Db; clock: Clock; company: Company };

export type MonthlyClose = ReturnType<typeof createMonthlyClose>;

function emptyReport(period: string): CloseReport {
  return { period, charged: 0, skipped: 0, byBasis: {}, missingTariff: 0 };
}

const historyMonths = 24;

export function createMonthlyClose(deps: MonthlyCloseContext) {
  return bind(deps, { compute, close, closeBesideServer });
}

/** Computes one account's charge for the period from what the database holds. */
function compute({ db }: MonthlyCloseContext, accountId: number, period: string): MonthCharge | 'no-tariff' {
  const { account, meter } = getAccountWithMeter(db, accountId)!;
  const zones = meter?.zones ?? 1;
  const prices = getTariffPrices(db, account.category, zones, `${period}-01`);
  if (prices.length === 0) return 'no-tariff';
  let base: { period: string; values: number[] } | null = null;
  let reading: number[] | null = null;
  if (meter) {
    reading = acceptedReadingOfPeriod(db, accountId, meter.id, period);
    const basePeriod = reconciledBasePeriod(db, accountId, period) ?? earliestAcceptedPeriod(db, accountId, meter.id, period);
    const values = basePeriod ? acceptedReadingOfPeriod(db, accountId, meter.id, basePeriod) : null;
    if (basePeriod && values && values.length === zones) base = { period: basePeriod, values };
  }
  return chargeForMonth({
    zones,
    hasMeter: meter !== undefined,
    digits: meter?.digits ?? 6,
    normKwh: account.norm_kwh,
    reading: reading && reading.length === zones ? reading : null,
    base,
    history: chargeHistory(db, accountId, period, historyMonths),
    prices,
  });
}

function closeAccount(deps: MonthlyCloseContext, accountId: number, period: string, report: CloseReport): void {
  if (isPeriodClosed(deps.db, accountId, period)) {
    report.skipped++;
    return;
  }
  const charge = compute(deps, accountId, period);
  if (charge === 'no-tariff') {
    report.missingTariff++;
    return;
  }
  writeCharge(deps, accountId, period, charge);
  report.charged++;
  report.byBasis[charge.basis] = (report.byBasis[charge.basis] ?? 0) + 1;
}

/** The charge with its lines, and its ledger entries: the charge and, if any, the recalculation. */
function writeCharge({ db, clock, company }: MonthlyCloseContext, accountId: number, period: string, charge: MonthCharge): void {
  const now = nowSeconds(clock);
  const dueOn = `${addMonths(period, 1)}-${String(company.paymentDueDay).padStart(2, '0')}`;
  insertCharge(
    db,
    {
      account_id: accountId,
      period,
      basis: charge.basis,
      kwh: charge.zoneKwh.reduce((a, b) => a + b, 0),
      amount_kopecks: charge.amountKopecks,
      source: 'computed',
      due_on: dueOn,
      closed_at: now,
    },
    charge.lines,
  );
  appendLedgerEntry(db, { account_id: accountId, at: now, kind: 'charge', period, amount_kopecks: charge.amountKopecks, payment_id: null, note: null });
  if (charge.recalculation) {
    appendLedgerEntry(db, {
      account_id: accountId,
      at: now,
      kind: 'recalculation',
      period,
      amount_kopecks: charge.recalculation.amountKopecks,
      payment_id: null,
      note: recalculationNote(charge.recalculation.kwh),
    });
  }
}

/** One chunk of accounts in one transaction. */
function closeChunk(deps: MonthlyCloseContext, ids: number[], period: string, report: CloseReport): void {
  deps.db.transaction(() => {
    for (const id of ids) closeAccount(deps, id, period, report);
  })();
}

function* accountChunks({ db }: MonthlyCloseContext, accountIds: number[] | undefined, chunk: number): Generator<number[]> {
  if (accountIds) {
    for (let i = 0; i < accountIds.length; i += chunk) yield accountIds.slice(i, i + chunk);
    return;
  }
  let after = 0;
  for (;;) {
    const ids = listAccountIdsAfter(db, after, chunk);
    if (ids.length === 0) return;
    yield ids;
    after = ids[ids.length - 1];
  }
}

/** Closes the period for every account (or the given ones), committing in chunks. */
function close(deps: MonthlyCloseContext, period: string, options: { accountIds?: number[]; chunk?: number } = {}): CloseReport {
  const report = emptyReport(period);
  const chunks = accountChunks(deps, options.accountIds, options.chunk ?? 500);
  for (let ids = chunks.next(); !ids.done; ids = chunks.next()) closeChunk(deps, ids.value, period, report);
  return report;
}

/**
 * The same beside a serving app: small chunks with a pause between them, so the server's own
 * writes get the lock (a close of 500,000 accounts in 500-account chunks back to back starves it).
 */
async function closeBesideServer(deps: MonthlyCloseContext, period: string, options: { chunk?: number; pauseMs?: number } = {}): Promise<CloseReport> {
  const report = emptyReport(period);
  const chunks = accountChunks(deps, undefined, options.chunk ?? 100);
  for (let ids = chunks.next(); !ids.done; ids = chunks.next()) {
    closeChunk(deps, ids.value, period, report);
    await new Promise((resolve) => setTimeout(resolve, options.pauseMs ?? 20));
  }
  return report;
}
