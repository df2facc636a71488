// The account's rows grouped by month for each history view, and the number of zones the views show.
import {
  listChargeLinesBetween,
  listChargesBetween,
  listLedgerMovesBetween,
  listPaymentsBetween,
  listReadingsBetween,
  meterZonesOf,
  type HistoryReading,
} from '../../db/history/history.ts';
import { addMonths } from '../billing/periods.ts';
import type { ChargesMonth, ConsumptionMonth, HistoryContext, PaymentsMonth, Range, ReadingsMonth, Submission } from './history.ts';
import { monthStart, periodAt } from './local-time.ts';
import { periodsNewestFirst } from './range.ts';

export function readingsMonths({ db }: HistoryContext, accountId: number, range: Range): ReadingsMonth[] {
  const rows = listReadingsBetween(db, accountId, range.from, range.to);
  const months: ReadingsMonth[] = [];
  for (const row of rows) {
    let month = months[months.length - 1];
    if (!month || month.period !== row.period) {
      const submission = submissionOf(row);
      month = { period: row.period, submissions: [submission], accepted: null, latest: submission };
      months.push(month);
    }
    let submission = month.submissions[month.submissions.length - 1];
    if (submission.seq !== row.seq) {
      submission = submissionOf(row);
      month.submissions.push(submission);
    }
    submission.values.push({ zone: row.zone, value: row.value });
  }
  for (const month of months) month.accepted = month.submissions.find((s) => s.status === 'accepted') ?? null;
  return months;
}

function submissionOf(row: HistoryReading): Submission {
  return {
    seq: row.seq,
    submittedAt: row.submitted_at,
    source: row.source,
    status: row.status,
    reason: row.reason,
    early: row.early === 1,
    rollover: row.rollover === 1,
    values: [],
  };
}

export function paymentsMonths(context: HistoryContext, accountId: number, range: Range): PaymentsMonth[] {
  const rows = listPaymentsBetween(context.db, accountId, monthStart(context, range.from), monthStart(context, addMonths(range.to, 1)));
  const months: PaymentsMonth[] = [];
  for (const payment of rows) {
    const period = periodAt(context, payment.created_at);
    let month = months[months.length - 1];
    if (!month || month.period !== period) months.push((month = { period, payments: [], paidKopecks: 0 }));
    month.payments.push(payment);
    if (payment.status === 'paid') month.paidKopecks += payment.amount_kopecks;
  }
  return months;
}

export function chargesMonths(context: HistoryContext, accountId: number, range: Range): ChargesMonth[] {
  const { db } = context;
  const charges = new Map(listChargesBetween(db, accountId, range.from, range.to).map((c) => [c.period, c]));
  const months = new Map<string, ChargesMonth>(
    periodsNewestFirst(range).map((period) => [
      period,
      { period, charge: charges.get(period) ?? null, zoneKwh: [], lines: [], recalculations: [], recalculationKopecks: 0, paidKopecks: 0 },
    ]),
  );
  for (const line of listChargeLinesBetween(db, accountId, range.from, range.to)) {
    const month = months.get(line.period)!;
    month.lines.push(line);
    month.zoneKwh[line.zone - 1] = (month.zoneKwh[line.zone - 1] ?? 0) + line.kwh;
  }
  const moves = listLedgerMovesBetween(db, accountId, monthStart(context, range.from), monthStart(context, addMonths(range.to, 1)), range.from, range.to);
  for (const move of moves) {
    if (move.kind === 'recalculation') {
      const month = move.period === null ? undefined : months.get(move.period);
      if (!month) continue;
      month.recalculations.push({ at: move.at, amount_kopecks: move.amount_kopecks, note: move.note });
      month.recalculationKopecks += move.amount_kopecks;
    } else {
      // Money that came (a payment, negative in the ledger) or went back (a reversal), by the month it moved.
      const month = months.get(periodAt(context, move.at));
      if (month) month.paidKopecks -= move.amount_kopecks;
    }
  }
  for (const month of months.values()) month.zoneKwh = Array.from(month.zoneKwh, (kwh) => kwh ?? 0);
  return [...months.values()];
}

export function consumptionMonths({ db }: HistoryContext, accountId: number, range: Range): ConsumptionMonth[] {
  const earlier = addMonths(range.from, -12);
  const charges = new Map(listChargesBetween(db, accountId, earlier, range.to).map((c) => [c.period, c]));
  const zones = new Map<string, number[]>();
  for (const line of listChargeLinesBetween(db, accountId, earlier, range.to)) {
    const list = zones.get(line.period) ?? [];
    list[line.zone - 1] = (list[line.zone - 1] ?? 0) + line.kwh;
    zones.set(line.period, list);
  }
  const of = (period: string) => {
    const charge = charges.get(period);
    const zoneKwh = charge ? Array.from(zones.get(period) ?? [charge.kwh], (kwh) => kwh ?? 0) : [];
    return { period, kwh: charge?.kwh ?? null, zoneKwh, basis: charge?.basis ?? null };
  };
  return periodsNewestFirst(range).map((period) => {
    const now = of(period);
    return { ...now, previousYear: of(addMonths(period, -12)) };
  });
}

/** The zones to show: the meter's, or more if older months used more (a replaced meter). */
export function zoneCount({ db }: HistoryContext, accountId: number, usedZones: number[]): 1 | 2 | 3 {
  const used = Math.max(1, ...usedZones);
  const meter = meterZonesOf(db, accountId) ?? 1;
  return Math.min(3, Math.max(used, meter)) as 1 | 2 | 3;
}
