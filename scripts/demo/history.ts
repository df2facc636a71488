// Simulates one demo account's life: its meter, monthly readings, charges, payments and ledger.
import type { Category } from '../../db/accounts/accounts.ts';
import type { BulkAccount, BulkCharge, BulkChargeLine, BulkLedgerEntry, BulkMeter, BulkPayment, BulkReading } from '../../db/bulk.ts';
import { chargeForMonth, recalculationNote, type PastMonth } from '../../services/billing/month-charge.ts';
import type { TariffPrice } from '../../services/billing/tariffs.ts';
import { addDays, dayOf } from './calendar.ts';
import { holderName, multiZoneModels, ruralAddress, singleZoneModels, urbanAddress } from './names.ts';
import type { Random } from './random.ts';

/** A month with its days' midnights precomputed: dayStarts[d] is day d (1–28) in unix seconds. */
export type Month = { period: string; month: number; dayStarts: number[] };
export type ClosedPeriod = Month & { next: Month; dueOn: string };

export type HistoryContext = {
  /** The month before the first closed period, when the opening reading was taken. */
  opening: Month;
  /** The closed periods, oldest first. */
  periods: ClosedPeriod[];
  referenceDay: string;
  /** Nothing (a payment) happens at or after this moment, unix seconds. */
  referenceStart: number;
  midnight(day: string): number;
  /** The prices in force on the first day of periods[index]. */
  pricesFor(category: Category, zones: number, index: number): TariffPrice[];
};

export type AccountHistory = {
  account: BulkAccount;
  meter: Omit<BulkMeter, 'account_id'> | null;
  readings: BulkReading[];
  charges: { charge: BulkCharge; lines: BulkChargeLine[] }[];
  ledger: { entry: Omit<BulkLedgerEntry, 'payment_id'>; payment: BulkPayment | null }[];
};

export const firstAccountNumber = 400000001;
const categories: Category[] = ['urban_gas', 'urban_electric', 'rural'];
const channels = ['card', 'bank', 'post', 'office'] as const;
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/** As many charged months as the monthly close reads back (services/monthly-close.ts). */
const historyMonths = 24;

/**
 * One account's history. Each month is charged by chargeForMonth (services/billing.ts), the
 * function the monthly close uses, from what the stored rows would tell it: this month's reading
 * if any, the reading last reconciled with (the opening one at first) and the months charged
 * before. When a reading shows that estimates overcharged, the surplus is a 'recalculation' entry.
 */
export function simulateAccount(id: number, random: Random, context: HistoryContext): AccountHistory {
  const { periods, referenceDay, midnight } = context;
  const isDemoUser = id === 1;
  const number = String(firstAccountNumber + id - 1);
  const category = isDemoUser ? 'urban_gas' : categories[random.weighted([50, 20, 30])];
  const historyStart = dayOf(periods[0].period, 1);
  const account: BulkAccount = {
    id, number, category,
    holder: holderName(random),
    address: category === 'rural' ? ruralAddress(random) : urbanAddress(random),
    norm_kwh: random.int(60, 250),
    balance_kopecks: 0,
    created_at: midnight(addDays(historyStart, -random.int(30, 3650))),
  };

  // A few big consumers (electric heating) reach the upper volume bands in winter.
  const size = random.weighted([97, 2.5, 0.5]);
  const typicalKwh = [random.int(90, 320) * (category === 'urban_gas' ? 1 : 1.4), random.int(900, 2000), random.int(2500, 3500)][size];
  const seasonality = size === 0 ? 0.3 : 0.5;

  const hasMeter = isDemoUser || !random.chance(0.05);
  const zones = !hasMeter ? 1 : isDemoUser ? 2 : [1, 2, 3][random.weighted([65, 25, 10])];
  const digits = zones === 1 && random.chance(0.7) ? 5 : 6;
  const capacity = 10 ** digits;
  const meter: AccountHistory['meter'] = hasMeter
    ? {
        model: random.pick(zones === 1 ? singleZoneModels : multiZoneModels),
        serial: String(random.int(1, 9)) + random.digits(random.pick([7, 9, 11])),
        zones, digits,
        installed_on: addDays(historyStart, -random.int(60, 3000)),
        verified_until: addDays(referenceDay, [-random.int(1, 700), random.int(1, 90), random.int(91, 3650)][random.weighted([10, 10, 80])]),
      }
    : null;
  const shares = zones === 1 ? [1] : zones === 2 ? ((night) => [1 - night, night])(random.between(0.2, 0.45))
    : ((peak, night) => [peak, 1 - peak - night, night])(random.between(0.2, 0.35), random.between(0.2, 0.4));
  const registers = shares.map((_, zone) => (zone === 0 && random.chance(0.02) ? capacity - random.int(200, 2500) : random.int(0, Math.floor(capacity * 0.6))));

  const missProbability = isDemoUser ? 0 : [0.02, 0.08, 0.25][random.weighted([60, 30, 10])];
  const gapLength = isDemoUser ? 2 : random.chance(0.04) ? random.int(4, 7) : 0;
  const gapStart = isDemoUser ? periods.length - 9 : random.int(1, Math.max(1, periods.length - 8));
  const payer = isDemoUser ? 0 : random.weighted([80, 15, 5]);
  const behaviourWeights = [[3, 3, 4, 90], [20, 15, 5, 60], [50, 25, 0, 25]][payer]; // skip, partial, more, exact
  const customerShare = random.between(0.3, 0.9);

  const history: AccountHistory = { account, meter, readings: [], charges: [], ledger: [] };
  let seq = 0;
  let reconciled = { period: context.opening.period, values: registers.slice() };
  const takeReading = ({ period, dayStarts }: Month) => {
    seq += 1;
    const at = dayStarts[random.int(15, 25)] + random.int(8 * 3600, 22 * 3600);
    const source = random.chance(customerShare) ? 'customer' : 'billing';
    registers.forEach((value, index) => {
      history.readings.push({ period, seq, zone: index + 1, value, submitted_at: at, source, rollover: value < reconciled.values[index] ? 1 : 0 });
    });
  };
  if (hasMeter) takeReading(context.opening);

  const past: PastMonth[] = [];
  let balance = 0;
  let ledgerSeq = 0;

  periods.forEach((closed, index) => {
    const { period, next } = closed;
    const season = 1 + seasonality * Math.cos((2 * Math.PI * (closed.month - 1)) / 12);
    const used = Math.round(typicalKwh * season * random.between(0.85, 1.15));
    const zoneUse = shares.map((share) => Math.round(used * share * random.between(0.9, 1.1)));
    zoneUse[0] = Math.max(0, used - sum(zoneUse.slice(1)));
    zoneUse.forEach((kwh, zone) => (registers[zone] = (registers[zone] + kwh) % capacity));

    const inGap = index >= gapStart && index < gapStart + gapLength;
    const read = hasMeter && (index === 0 || (!inGap && !random.chance(missProbability)));
    if (read) takeReading(closed);
    const charge = chargeForMonth({
      zones, hasMeter, digits, normKwh: account.norm_kwh,
      reading: read ? registers.slice() : null,
      base: hasMeter ? reconciled : null,
      history: past,
      prices: context.pricesFor(category, zones, index),
    });
    if (read) reconciled = { period, values: registers.slice() };
    past.unshift({ period, basis: charge.basis, zoneKwh: charge.zoneKwh });
    if (past.length > historyMonths) past.pop();
    const closedAt = next.dayStarts[1];
    history.charges.push({
      charge: { period, basis: charge.basis, kwh: sum(charge.zoneKwh), amount_kopecks: charge.amountKopecks, due_on: closed.dueOn, closed_at: closedAt },
      lines: charge.lines.map((line) => ({ period, ...line })),
    });
    balance += charge.amountKopecks;
    history.ledger.push({ entry: { seq: ++ledgerSeq, at: closedAt, kind: 'charge', period, amount_kopecks: charge.amountKopecks, note: null }, payment: null });
    if (charge.recalculation) {
      balance += charge.recalculation.amountKopecks;
      const note = recalculationNote(charge.recalculation.kwh);
      history.ledger.push({ entry: { seq: ++ledgerSeq, at: closedAt, kind: 'recalculation', period, amount_kopecks: charge.recalculation.amountKopecks, note }, payment: null });
    }

    const behaviour = random.weighted(behaviourWeights);
    const lastDay = payer === 0 ? Number(closed.dueOn.slice(8)) : 28;
    const paidAt = next.dayStarts[random.int(1, lastDay)] + random.int(9 * 3600, 21 * 3600);
    // The demo user's latest bill stays unpaid, so the cabinet has something to pay.
    const demoUserLastBill = isDemoUser && index === periods.length - 1;
    if (balance <= 0 || behaviour === 0 || paidAt >= context.referenceStart || demoUserLastBill) return;
    const paid = [0, Math.max(100, Math.round((balance * random.between(0.3, 0.9)) / 100) * 100), Math.ceil(balance / 10000) * 10000 + random.pick([0, 50000]), balance][behaviour];
    const channel = channels[isDemoUser ? 0 : random.weighted([45, 30, 10, 15])];
    const payment: BulkPayment = {
      order_number: `DEMO-${number}-${period}`, amount_kopecks: paid, channel, paid_at: paidAt,
      masked_pan: channel === 'card' ? `220220******${random.digits(4)}` : null,
    };
    balance -= paid;
    history.ledger.push({ entry: { seq: ++ledgerSeq, at: paidAt, kind: 'payment', period, amount_kopecks: -paid, note: null }, payment });
  });
  account.balance_kopecks = balance;
  return history;
}
