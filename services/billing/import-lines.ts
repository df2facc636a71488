// One data line of a billing import: its fields checked and written, one function per kind of file.
import {
  getAccountIdByNumber,
  getCharge,
  getPaymentByOrderNumber,
  insertImportedPayment,
  replaceChargeWithImported,
  upsertAccount,
  upsertMeter,
  upsertTariff,
} from '../../db/billing/exchange.ts';
import { listChargeLines, type ChargeLine } from '../../db/billing/charges.ts';
import { appendLedgerEntry, insertCharge } from '../../db/billing/monthly-close.ts';
import type { Db } from '../../db/connection.ts';
import { nowSeconds } from '../platform/clock.ts';
import type { ExchangeContext, ImportKind } from './exchange.ts';
import { isPeriod } from './periods.ts';

const categories = new Set(['urban_gas', 'urban_electric', 'rural']);
const bases = new Set(['readings', 'average', 'norm']);
const channels = new Set(['bank', 'post', 'office', 'card']);

/** A bad line: its message goes to the report. */
export class Reject extends Error {}

type Outcome = 'inserted' | 'updated' | 'unchanged';

/** A line's fields, the time of the import, and the check that a key comes once per file. */
type Line = { f: string[]; now: number; once: (key: string, what: string) => void };

function int(value: string, name: string, min: number, max: number): number {
  if (!/^-?\d{1,12}$/.test(value)) throw new Reject(`${name}: «${value.slice(0, 20)}» — не целое число`);
  const n = Number(value);
  if (n < min || n > max) throw new Reject(`${name}: ${n} вне допустимых пределов ${min}…${max}`);
  return n;
}

function day(value: string, name: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)) || new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) !== value) {
    throw new Reject(`${name}: «${value.slice(0, 20)}» — не дата ГГГГ-ММ-ДД`);
  }
  return value;
}

function text(value: string, name: string, max: number): string {
  if (value === '') throw new Reject(`${name}: пусто`);
  if (value.length > max) throw new Reject(`${name}: длиннее ${max} символов`);
  return value;
}

function accountNumber(value: string): string {
  if (!/^\d{9}$/.test(value)) throw new Reject(`account_number: «${value.slice(0, 20)}» — не 9 цифр`);
  return value;
}

function accountId(db: Db, number: string): number {
  const id = getAccountIdByNumber(db, accountNumber(number));
  if (id === undefined) throw new Reject(`лицевой счёт ${number} не найден: загрузите его в accounts`);
  return id;
}

/** Applies one data line; returns what happened. Throws Reject for a bad line. */
export function applyLine({ db, clock }: ExchangeContext, kind: ImportKind, f: string[], seen: Map<string, number>, line: number): Outcome {
  const once = (key: string, what: string) => {
    const first = seen.get(key);
    if (first !== undefined) throw new Reject(`${what} уже есть в строке ${first}`);
    seen.set(key, line);
  };
  const input: Line = { f, now: nowSeconds(clock), once };
  switch (kind) {
    case 'accounts':
      return importAccount(db, input);
    case 'meters':
      return importMeter(db, input);
    case 'tariffs':
      return importTariff(db, input);
    case 'charges':
      return importCharge(db, input);
    case 'payments':
      return importPayment(db, input);
  }
}

function importAccount(db: Db, { f, now, once }: Line): Outcome {
  const number = accountNumber(f[0]);
  once(number, `лицевой счёт ${number}`);
  if (!categories.has(f[3])) throw new Reject(`category: «${f[3].slice(0, 20)}» — ожидается urban_gas, urban_electric или rural`);
  return upsertAccount(db, { number, holder: text(f[1], 'holder', 200), address: text(f[2], 'address', 500), category: f[3], norm_kwh: int(f[4], 'norm_kwh', 0, 100_000), created_at: now });
}

function importMeter(db: Db, { f, once }: Line): Outcome {
  const account_id = accountId(db, f[0]);
  const serial = text(f[1], 'serial', 40);
  once(f[0], `прибор учёта лицевого счёта ${f[0]}`);
  const installed_on = day(f[5], 'installed_on');
  return upsertMeter(db, { account_id, serial, model: text(f[2], 'model', 100), zones: int(f[3], 'zones', 1, 3), digits: int(f[4], 'digits', 4, 9), installed_on, verified_until: day(f[6], 'verified_until') });
}

function importTariff(db: Db, { f, once }: Line): Outcome {
  if (!categories.has(f[0])) throw new Reject(`category: «${f[0].slice(0, 20)}» — ожидается urban_gas, urban_electric или rural`);
  const zones = int(f[1], 'zones', 1, 3);
  const zone = int(f[2], 'zone', 1, zones);
  const band_from_kwh = int(f[3], 'band_from_kwh', 0, 1_000_000);
  const band_to_kwh = f[4] === '' ? null : int(f[4], 'band_to_kwh', band_from_kwh + 1, 10_000_000);
  const valid_from = day(f[5], 'valid_from');
  const valid_to = f[6] === '' ? null : day(f[6], 'valid_to');
  if (valid_to !== null && valid_to <= valid_from) throw new Reject('valid_to должна быть позже valid_from');
  once([f[0], zones, zone, band_from_kwh, valid_from].join('|'), 'эта строка тарифа');
  return upsertTariff(db, { category: f[0], zones, zone, band_from_kwh, band_to_kwh, valid_from, valid_to, kopecks_per_kwh: int(f[7], 'kopecks_per_kwh', 1, 1_000_000) });
}

function importCharge(db: Db, { f, now, once }: Line): Outcome {
  const account_id = accountId(db, f[0]);
  if (!isPeriod(f[1])) throw new Reject(`period: «${f[1].slice(0, 20)}» — ожидается ГГГГ-ММ`);
  const period = f[1];
  once(`${f[0]}|${period}`, `начисление по счёту ${f[0]} за ${period}`);
  if (!bases.has(f[2])) throw new Reject(`basis: «${f[2].slice(0, 20)}» — ожидается readings, average или norm`);
  const row = { account_id, period, basis: f[2] as 'readings' | 'average' | 'norm', kwh: int(f[3], 'kwh', 0, 10_000_000), amount_kopecks: int(f[4], 'amount_kopecks', -100_000_000, 100_000_000), due_on: day(f[5], 'due_on'), closed_at: now };
  // The `lines` column is optional (files of the six-column header carry none): the charge by zone and band.
  const lines = chargeLines(f[6] ?? '', row.kwh, row.amount_kopecks);
  const existing = getCharge(db, account_id, period);
  if (!existing) {
    insertCharge(db, { ...row, source: 'imported' }, lines);
    appendLedgerEntry(db, { account_id, at: now, kind: 'charge', period, amount_kopecks: row.amount_kopecks, payment_id: null, note: 'billing import' });
    return 'inserted';
  }
  const sameLines = JSON.stringify(listChargeLines(db, account_id, period)) === JSON.stringify(lines);
  if (existing.source === 'imported' && sameLines && existing.amount_kopecks === row.amount_kopecks && existing.kwh === row.kwh && existing.basis === row.basis && existing.due_on === row.due_on) return 'unchanged';
  replaceChargeWithImported(db, row, lines);
  const difference = row.amount_kopecks - existing.amount_kopecks;
  if (difference !== 0) appendLedgerEntry(db, { account_id, at: now, kind: 'recalculation', period, amount_kopecks: difference, payment_id: null, note: 'billing import' });
  return 'updated';
}

/**
 * The `lines` field: `zone:band:kwh:kopecks_per_kwh:amount_kopecks` entries joined by `|`, e.g.
 * `1:1:150:810:121500|2:1:60:420:25200`; empty for none. Each line is exact (kWh × tariff) and they
 * add up to the charge's kWh and amount, or the bill would show figures that disagree.
 */
function chargeLines(field: string, kwh: number, amount: number): ChargeLine[] {
  if (field.trim() === '') return [];
  const lines = field.split('|').map((entry, i) => {
    const parts = entry.trim().split(':');
    const name = `lines[${i + 1}]`;
    if (parts.length !== 5) throw new Reject(`${name}: «${entry.slice(0, 30)}» — ожидается зона:ступень:кВт·ч:тариф:сумма`);
    const line = { zone: int(parts[0], `${name} зона`, 1, 3), band: int(parts[1], `${name} ступень`, 1, 9), kwh: int(parts[2], `${name} кВт·ч`, 0, 10_000_000), kopecks_per_kwh: int(parts[3], `${name} тариф`, 0, 1_000_000), amount_kopecks: int(parts[4], `${name} сумма`, -100_000_000, 100_000_000) };
    if (line.kwh * line.kopecks_per_kwh !== line.amount_kopecks) throw new Reject(`${name}: ${line.kwh} кВт·ч × ${line.kopecks_per_kwh} коп. = ${line.kwh * line.kopecks_per_kwh}, а не ${line.amount_kopecks}`);
    return line;
  });
  lines.sort((a, b) => a.zone - b.zone || a.band - b.band);
  const twice = lines.find((l, i) => i > 0 && l.zone === lines[i - 1].zone && l.band === lines[i - 1].band);
  if (twice) throw new Reject(`lines: зона ${twice.zone}, ступень ${twice.band} указаны дважды`);
  const sumKwh = lines.reduce((sum, l) => sum + l.kwh, 0);
  const sumAmount = lines.reduce((sum, l) => sum + l.amount_kopecks, 0);
  if (sumKwh !== kwh) throw new Reject(`lines: сумма кВт·ч по строкам ${sumKwh}, а kwh = ${kwh}`);
  if (sumAmount !== amount) throw new Reject(`lines: сумма по строкам ${sumAmount}, а amount_kopecks = ${amount}`);
  return lines;
}

function importPayment(db: Db, { f, once }: Line): Outcome {
  const account_id = accountId(db, f[0]);
  const id = text(f[1], 'payment_id', 40);
  if (!/^[\w.-]+$/.test(id)) throw new Reject('payment_id: только буквы, цифры, «.», «-», «_»');
  once(id, `платёж ${id}`);
  const paidOn = day(f[2], 'paid_on');
  const amount = int(f[3], 'amount_kopecks', 1, 100_000_000);
  if (!channels.has(f[4])) throw new Reject(`channel: «${f[4].slice(0, 20)}» — ожидается bank, post, office или card`);
  const orderNumber = `billing-${id}`;
  const existing = getPaymentByOrderNumber(db, orderNumber);
  if (existing) {
    if (existing.account_id === account_id && existing.amount_kopecks === amount) return 'unchanged';
    throw new Reject(`платёж ${id} уже загружен с другим счётом или суммой`);
  }
  const paidAt = Date.parse(`${paidOn}T09:00:00Z`) / 1000;
  const paymentId = insertImportedPayment(db, { account_id, order_number: orderNumber, amount_kopecks: amount, channel: f[4], paid_at: paidAt });
  appendLedgerEntry(db, { account_id, at: paidAt, kind: 'payment', period: null, amount_kopecks: -amount, payment_id: paymentId, note: 'billing import' });
  return 'inserted';
}
