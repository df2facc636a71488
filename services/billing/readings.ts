// Meter readings from customers: the rules that accept, question or refuse them.
import { getAccountWithMeter, type AccountRow, type MeterRow } from '../../db/accounts/accounts.ts';
import { chargeVolumesOf, recentChargeVolumes } from '../../db/billing/charges.ts';
import type { Db } from '../../db/connection.ts';
import type { GroupCommit } from '../../db/group-commit.ts';
import type { GroupRead } from '../../db/group-read.ts';
import {
  getSubmission,
  insertReading,
  isPeriodClosed,
  lastAcceptedReadings,
  markReadingsReplaced,
  nextReadingSeq,
  type ReadingRow,
} from '../../db/billing/readings.ts';
import { getTariffPrices } from '../../db/billing/tariffs.ts';
import type { Audit, AuditContext } from '../ops/audit.ts';
import { bind } from '../platform/bind.ts';
import { nowSeconds, type Clock } from '../platform/clock.ts';
import type { Company } from '../platform/config.ts';
import { addMonths, isoDay, localDate, monthsBetween, readingTiming, type ReadingTiming } from './periods.ts';
import { consumptionBetween, priceVolume, roundedAverage, sumAmounts, zoneNames, type ChargeLine } from './tariffs.ts';

export type FieldErrors = Record<string, string>;

export type ZoneState = { zone: number; field: string; name: string; previous: { value: number; submittedAt: number | null } | null };

export type ReadingForm = { zones: ZoneState[]; timing: ReadingTiming; digits: number };

export type Confirmation = { rollover: number[]; jump: boolean; messages: string[] };

export type CheckedReading =
  | { kind: 'invalid'; errors: FieldErrors }
  | { kind: 'confirm'; values: number[]; confirmation: Confirmation }
  // timing: the period the values were checked for, which submit() stores them under.
  | { kind: 'valid'; values: number[]; consumption: number[]; rollover: number[]; jump: boolean; timing: ReadingTiming };

export type Estimate = { consumption: number[]; lines: ChargeLine[]; amountKopecks: number };

/** commits: the group commit that submitGrouped's writes share; reads: the grouped reads checkSubmission's go with. */
type ReadingsContext = { db: Db; clock: Clock; company: Company; audit: Audit; commits: GroupCommit; reads: GroupRead };

export type Readings = ReturnType<typeof createReadings>;

type ZoneVerdict = { error: string } | { value: number; rollover: boolean };

/** One zone's typed value against the meter and the last accepted reading's value. */
function zoneVerdict(meter: MeterRow, input: unknown, last: { value: number } | undefined): ZoneVerdict {
  const raw = typeof input === 'string' ? input.trim() : '';
  if (raw === '') return { error: 'Введите показания: цифры до запятой' };
  if (!/^\d+$/.test(raw)) return { error: 'Только цифры до запятой: без запятой, пробелов, букв и знаков' };
  const value = Number(raw);
  const capacity = 10 ** meter.digits;
  if (value >= capacity) return { error: `У счётчика ${meter.digits} разрядов: не больше ${meter.digits} цифр до запятой` };
  if (last && value < last.value) {
    // A meter past its capacity starts again from zero: a small value after a value near the top.
    if (last.value >= capacity * 0.9 && value < capacity * 0.1) return { value, rollover: true };
    return { error: `Показания меньше предыдущих принятых (${last.value}). Проверьте цифры до запятой.` };
  }
  return { value, rollover: false };
}

const zoneFieldPattern = /^zone(\d+)$/;

export function createReadings(deps: ReadingsContext) {
  return bind(deps, { timingFor, subject, form, check, checkSubmission, checkField, submit, submitGrouped, submission, estimate, consumptionOf });
}

/** The period today's reading counts for, moved past any period already closed by billing. */
function timingFor({ db, clock, company }: ReadingsContext, accountId: number): ReadingTiming {
  const timing = readingTiming(localDate(clock.now(), company.timeZone), company.readingWindow);
  let period = timing.period;
  while (isPeriodClosed(db, accountId, period)) period = addMonths(period, 1);
  return period === timing.period ? timing : { period, early: false, late: true };
}

function previousReadings({ db }: ReadingsContext, accountId: number, meter: MeterRow, period: string): (ReadingRow | undefined)[] {
  const rows = lastAcceptedReadings(db, accountId, meter.id, period);
  return Array.from({ length: meter.zones }, (_, i) => rows.find((row) => row.zone === i + 1));
}

/** Usual monthly use for the season: the same month in the three years before, else the last 6 months, else the norm. */
function usualMonthlyKwh({ db }: ReadingsContext, account: AccountRow, period: string): number {
  const sameMonth = chargeVolumesOf(db, account.id, [addMonths(period, -12), addMonths(period, -24), addMonths(period, -36)]);
  if (sameMonth.length > 0) return roundedAverage(sameMonth);
  const recent = recentChargeVolumes(db, account.id, 6);
  if (recent.length > 0) return roundedAverage(recent.map((row) => row.kwh));
  return account.norm_kwh;
}

/** The account and its meter now (no meter: charged by the norm). */
function subject({ db }: ReadingsContext, accountId: number): { account: AccountRow; meter: MeterRow | undefined } {
  return getAccountWithMeter(db, accountId)!;
}

/** The form's reads (closed periods, last readings) as one read transaction (see db/connection.ts). */
function form(deps: ReadingsContext, account: AccountRow, meter: MeterRow): ReadingForm {
  return deps.db.transaction(formOf).deferred(deps, account, meter);
}

function formOf(deps: ReadingsContext, account: AccountRow, meter: MeterRow): ReadingForm {
  const timing = timingFor(deps, account.id);
  const previous = previousReadings(deps, account.id, meter, timing.period);
  return {
    timing,
    digits: meter.digits,
    zones: previous.map((row, i) => ({
      zone: i + 1,
      field: `zone${i + 1}`,
      name: zoneNames[meter.zones][i],
      previous: row ? { value: row.value, submittedAt: row.submitted_at } : null,
    })),
  };
}

/** The check's reads (closed periods, last readings, the season's volumes) as one read transaction (see db/connection.ts). */
function check(deps: ReadingsContext, account: AccountRow, meter: MeterRow, body: Record<string, unknown>, confirmed: boolean): CheckedReading {
  return deps.db.transaction(checkReading).deferred(deps, account, meter, body, confirmed);
}

/**
 * A submission's account, meter and check (null without a meter), read with the other requests of
 * this turn (db/group-read.ts): the path of the cabinet's and the API's POST.
 */
function checkSubmission(deps: ReadingsContext, accountId: number, body: Record<string, unknown>, confirmed: boolean) {
  return deps.reads.run(() => {
    const { account, meter } = subject(deps, accountId);
    return { account, meter, checked: meter ? checkReading(deps, account, meter, body, confirmed) : null };
  });
}

function checkReading(deps: ReadingsContext, account: AccountRow, meter: MeterRow, body: Record<string, unknown>, confirmed: boolean): CheckedReading {
  const errors = unknownZoneErrors(meter, body);
  const timing = timingFor(deps, account.id);
  const previous = previousReadings(deps, account.id, meter, timing.period);
  const values: number[] = [];
  const rollover: number[] = [];
  for (let zone = 1; zone <= meter.zones; zone++) {
    const verdict = zoneVerdict(meter, body[`zone${zone}`], previous[zone - 1]);
    if ('error' in verdict) {
      errors[`zone${zone}`] = verdict.error;
      continue;
    }
    if (verdict.rollover) rollover.push(zone);
    values[zone - 1] = verdict.value;
  }
  if (Object.keys(errors).length > 0) return { kind: 'invalid', errors };

  const consumption = values.map((value, i) => (previous[i] ? consumptionBetween(previous[i]!.value, value, meter.digits) : 0));
  const total = consumption.reduce((a, b) => a + b, 0);
  const lastPeriod = previous.find(Boolean)?.period;
  const months = lastPeriod ? Math.max(1, monthsBetween(lastPeriod, timing.period)) : 1;
  const threshold = Math.max(deps.company.readings.jumpMinimumKwh, usualMonthlyKwh(deps, account, timing.period) * months * deps.company.readings.jumpFactor);
  const jump = total > threshold;

  if ((rollover.length > 0 || jump) && !confirmed) {
    return { kind: 'confirm', values, confirmation: { rollover, jump, messages: confirmationMessages(meter, rollover, consumption, jump, total) } };
  }
  return { kind: 'valid', values, consumption, rollover, jump, timing };
}

/** The form error for a field of a zone the meter does not have. */
function unknownZoneErrors(meter: MeterRow, body: Record<string, unknown>): FieldErrors {
  const errors: FieldErrors = {};
  for (const key of Object.keys(body)) {
    const match = zoneFieldPattern.exec(key);
    if (match && (Number(match[1]) < 1 || Number(match[1]) > meter.zones)) {
      errors.form = `У счётчика ${meter.zones === 1 ? 'одна зона' : `${meter.zones} зоны`}: показаний для зоны ${match[1]} быть не может.`;
    }
  }
  return errors;
}

/** What the customer is asked to confirm: each zone past zero, and a jump in use. */
function confirmationMessages(meter: MeterRow, rollover: number[], consumption: number[], jump: boolean, total: number): string[] {
  const messages: string[] = [];
  for (const zone of rollover) {
    messages.push(
      `Зона «${zoneNames[meter.zones][zone - 1]}»: показания меньше предыдущих — похоже, счётчик прошёл через ноль (${'9'.repeat(meter.digits)} → 0). Расход составит ${consumption[zone - 1]} кВт·ч.`,
    );
  }
  if (jump) messages.push(`Расход ${total} кВт·ч намного больше обычного для этого времени года. Проверьте показания; если они верны, их проверит специалист.`);
  return messages;
}

/**
 * One zone's field of the form with its message as the customer leaves it (null when it is fine
 * so far), checked against the previous reading the field shows; null for a zone the meter lacks.
 */
function checkField(deps: ReadingsContext, account: AccountRow, meter: MeterRow, zone: number, input: unknown): { field: ZoneState; error: string | null } | null {
  const field = Number.isInteger(zone) ? form(deps, account, meter).zones[zone - 1] : undefined;
  if (!field) return null;
  const verdict = zoneVerdict(meter, input, field.previous ?? undefined);
  return { field, error: 'error' in verdict ? verdict.error : null };
}

/**
 * What a submission is stored from: the account, its meter, the checked values, who submitted them
 * (userId null: a customer without logging in, stored as source 'customer', user_id NULL) and the
 * request's audit context.
 */
type Submission = [
  account: AccountRow,
  meter: MeterRow,
  checked: Extract<CheckedReading, { kind: 'valid' }>,
  by: { userId: number | null; source: 'customer' | 'operator' },
  context: AuditContext,
];

/**
 * Stores a checked, confirmed submission under the period it was checked for (check() ran in
 * the same request); returns its number. Earlier ones of the period are replaced.
 */
function submit(deps: ReadingsContext, ...[account, meter, checked, by, context]: Submission): number {
  const { db, clock, audit } = deps;
  const { timing } = checked;
  const now = nowSeconds(clock);
  const seq = db.transaction(() => {
    const next = nextReadingSeq(db, account.id);
    checked.values.forEach((value, i) => {
      insertReading(db, {
        account_id: account.id,
        period: timing.period,
        seq: next,
        zone: i + 1,
        meter_id: meter.id,
        value,
        submitted_at: now,
        source: by.source,
        status: checked.jump ? 'review' : 'accepted',
        reason: checked.jump ? 'Расход намного больше обычного: показания проверит специалист' : null,
        early: timing.early ? 1 : 0,
        rollover: checked.rollover.includes(i + 1) ? 1 : 0,
        user_id: by.userId,
      });
    });
    markReadingsReplaced(db, account.id, timing.period, next);
    // The audit row keeps what the reading itself does not: the address it came from (for a
    // dispute). In the same transaction, so a submission costs one commit, not two.
    audit.record(context, { event: checked.jump ? 'reading.flagged' : 'reading.submitted', userId: by.userId, accountId: account.id, detail: { seq: next, period: timing.period, ...(by.userId === null ? { withoutLogin: true } : {}) } });
    return next;
  })();
  return seq;
}

/**
 * submit() for a request that has nothing else to write: its transaction joins the others of this
 * turn of the event loop under one commit (db/group-commit.ts); resolves once that has committed.
 */
function submitGrouped(deps: ReadingsContext, ...submission: Submission): Promise<number> {
  return deps.commits.run(() => submit(deps, ...submission));
}

function submission({ db }: ReadingsContext, accountId: number, seq: number): ReadingRow[] {
  return getSubmission(db, accountId, seq);
}

/** What the consumption would cost at today's tariff, volume bands included. */
function estimate({ db, clock, company }: ReadingsContext, account: AccountRow, meter: MeterRow, consumption: number[]): Estimate {
  const prices = getTariffPrices(db, account.category, meter.zones, isoDay(localDate(clock.now(), company.timeZone)));
  if (prices.length === 0) return { consumption, lines: [], amountKopecks: 0 };
  const lines = priceVolume(consumption, prices);
  return { consumption, lines, amountKopecks: sumAmounts(lines) };
}

/** Consumption a stored submission implies against the readings before its period. */
function consumptionOf(deps: ReadingsContext, accountId: number, meter: MeterRow, rows: ReadingRow[]): number[] {
  const previous = previousReadings(deps, accountId, meter, rows[0].period);
  return rows.map((row) => (previous[row.zone - 1] ? consumptionBetween(previous[row.zone - 1]!.value, row.value, meter.digits) : 0));
}
