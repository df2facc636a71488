// The billing exchange: CSV import of accounts, meters, tariffs, charges and payments (idempotent,
// all-or-nothing per file, with a report of rejected lines) and CSV export of accepted readings and
// of bill-delivery choices. Formats: README «Billing exchange».
import {
  getAccountIdByNumber,
  getCharge,
  getPaymentByOrderNumber,
  insertImportedPayment,
  iterateAcceptedReadings,
  iterateDeliveryChoices,
  replaceChargeWithImported,
  upsertAccount,
  upsertMeter,
  upsertTariff,
} from '../../db/billing/exchange.ts';
import { appendLedgerEntry, insertCharge } from '../../db/billing/monthly-close.ts';
import type { Db } from '../../db/connection.ts';
import { nowSeconds, type Clock } from '../platform/clock.ts';
import { isPeriod } from './periods.ts';

export type ImportKind = 'accounts' | 'meters' | 'tariffs' | 'charges' | 'payments';

export const importColumns: Record<ImportKind, string[]> = {
  accounts: ['account_number', 'holder', 'address', 'category', 'norm_kwh'],
  meters: ['account_number', 'serial', 'model', 'zones', 'digits', 'installed_on', 'verified_until'],
  tariffs: ['category', 'zones', 'zone', 'band_from_kwh', 'band_to_kwh', 'valid_from', 'valid_to', 'kopecks_per_kwh'],
  charges: ['account_number', 'period', 'basis', 'kwh', 'amount_kopecks', 'due_on'],
  payments: ['account_number', 'payment_id', 'paid_on', 'amount_kopecks', 'channel'],
};

export type Rejected = { line: number; reason: string };

export type ImportReport = {
  kind: ImportKind;
  encoding: 'utf-8' | 'windows-1251' | null;
  lines: number;
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: Rejected[];
  /** false when anything was wrong: then nothing of the file was written. */
  imported: boolean;
  error: string | null;
  ms: number;
};

/** UTF-8 (with or without BOM), or CP1251 recognised by invalid UTF-8; UTF-16 and binary are refused. */
export function decodeCsv(bytes: Buffer): { ok: true; text: string; encoding: 'utf-8' | 'windows-1251' } | { ok: false; message: string } {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff) || bytes.includes(0)) {
    return { ok: false, message: 'Файл в кодировке UTF-16 или не текстовый. Сохраните его как CSV в UTF-8 (или Windows-1251), разделитель «;».' };
  }
  const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(body), encoding: 'utf-8' };
  } catch {
    // Russian billing exports are often CP1251: every byte is a character there, so check it looks like Russian text.
    const text = new TextDecoder('windows-1251').decode(body);
    const letters = text.match(/[А-Яа-яЁё]/g)?.length ?? 0;
    const odd = text.match(/[\u0080-\u00ff\u0400-\u040f\u0452-\u045f\u2000-\u206f]/g)?.length ?? 0;
    if (letters === 0 || odd > letters / 10) return { ok: false, message: 'Файл не в UTF-8 и не похож на Windows-1251. Сохраните его как CSV в UTF-8.' };
    return { ok: true, text, encoding: 'windows-1251' };
  }
}

/** Splits one line by «;», with "quoted" fields ("" inside is a quote); null when the quotes do not close. */
export function splitCsvLine(line: string): string[] | null {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const close = line.indexOf('"', i);
        if (close < 0) return null;
        value += line.slice(i, close);
        if (line[close + 1] === '"') {
          value += '"';
          i = close + 2;
          continue;
        }
        i = close + 1;
        break;
      }
      if (i < line.length && line[i] !== ';') return null;
      fields.push(value);
    } else {
      const next = line.indexOf(';', i);
      const value = next < 0 ? line.slice(i) : line.slice(i, next);
      if (value.includes('"')) return null;
      fields.push(value.trim());
      i = next < 0 ? line.length : next;
    }
    if (i >= line.length) return fields;
    i++; // past ';'
    if (i === line.length) {
      fields.push('');
      return fields;
    }
  }
}

const categories = new Set(['urban_gas', 'urban_electric', 'rural']);
const bases = new Set(['readings', 'average', 'norm']);
const channels = new Set(['bank', 'post', 'office', 'card']);

class Reject extends Error {}
class Rollback extends Error {}

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

export type BillingExchange = ReturnType<typeof createBillingExchange>;

export function createBillingExchange(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps;

  function accountId(number: string): number {
    const id = getAccountIdByNumber(db, accountNumber(number));
    if (id === undefined) throw new Reject(`лицевой счёт ${number} не найден: загрузите его в accounts`);
    return id;
  }

  /** Applies one data line; returns what happened. Throws Reject for a bad line. */
  function applyLine(kind: ImportKind, f: string[], seen: Map<string, number>, line: number): 'inserted' | 'updated' | 'unchanged' {
    const once = (key: string, what: string) => {
      const first = seen.get(key);
      if (first !== undefined) throw new Reject(`${what} уже есть в строке ${first}`);
      seen.set(key, line);
    };
    const now = nowSeconds(clock);
    switch (kind) {
      case 'accounts': {
        const number = accountNumber(f[0]);
        once(number, `лицевой счёт ${number}`);
        if (!categories.has(f[3])) throw new Reject(`category: «${f[3].slice(0, 20)}» — ожидается urban_gas, urban_electric или rural`);
        return upsertAccount(db, { number, holder: text(f[1], 'holder', 200), address: text(f[2], 'address', 500), category: f[3], norm_kwh: int(f[4], 'norm_kwh', 0, 100_000), created_at: now });
      }
      case 'meters': {
        const account_id = accountId(f[0]);
        const serial = text(f[1], 'serial', 40);
        once(f[0], `прибор учёта лицевого счёта ${f[0]}`);
        const installed_on = day(f[5], 'installed_on');
        return upsertMeter(db, { account_id, serial, model: text(f[2], 'model', 100), zones: int(f[3], 'zones', 1, 3), digits: int(f[4], 'digits', 4, 9), installed_on, verified_until: day(f[6], 'verified_until') });
      }
      case 'tariffs': {
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
      case 'charges': {
        const account_id = accountId(f[0]);
        if (!isPeriod(f[1])) throw new Reject(`period: «${f[1].slice(0, 20)}» — ожидается ГГГГ-ММ`);
        const period = f[1];
        once(`${f[0]}|${period}`, `начисление по счёту ${f[0]} за ${period}`);
        if (!bases.has(f[2])) throw new Reject(`basis: «${f[2].slice(0, 20)}» — ожидается readings, average или norm`);
        const row = { account_id, period, basis: f[2] as 'readings' | 'average' | 'norm', kwh: int(f[3], 'kwh', 0, 10_000_000), amount_kopecks: int(f[4], 'amount_kopecks', -100_000_000, 100_000_000), due_on: day(f[5], 'due_on'), closed_at: now };
        const existing = getCharge(db, account_id, period);
        if (!existing) {
          insertCharge(db, { ...row, source: 'imported' }, []);
          appendLedgerEntry(db, { account_id, at: now, kind: 'charge', period, amount_kopecks: row.amount_kopecks, payment_id: null, note: 'billing import' });
          return 'inserted';
        }
        if (existing.source === 'imported' && existing.amount_kopecks === row.amount_kopecks && existing.kwh === row.kwh && existing.basis === row.basis && existing.due_on === row.due_on) return 'unchanged';
        replaceChargeWithImported(db, row);
        const difference = row.amount_kopecks - existing.amount_kopecks;
        if (difference !== 0) appendLedgerEntry(db, { account_id, at: now, kind: 'recalculation', period, amount_kopecks: difference, payment_id: null, note: 'billing import' });
        return 'updated';
      }
      case 'payments': {
        const account_id = accountId(f[0]);
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
    }
  }

  return {
    /**
     * One file in one transaction: every line is checked and applied; if any line is rejected the
     * transaction rolls back and nothing of the file is written, and the report lists each rejected line.
     */
    importFile(kind: ImportKind, bytes: Buffer): ImportReport {
      const started = performance.now();
      const report: ImportReport = { kind, encoding: null, lines: 0, inserted: 0, updated: 0, unchanged: 0, rejected: [], imported: false, error: null, ms: 0 };
      const finish = () => ({ ...report, ms: Math.round(performance.now() - started) });
      const decoded = decodeCsv(bytes);
      if (!decoded.ok) {
        report.error = decoded.message;
        return finish();
      }
      report.encoding = decoded.encoding;
      const lines = decoded.text.split(/\r?\n/);
      if (lines.at(-1) === '') lines.pop();
      const header = splitCsvLine(lines[0] ?? '')?.map((h) => h.trim().toLowerCase());
      const expected = importColumns[kind];
      if (!header || header.join(';') !== expected.join(';')) {
        report.error = `Первая строка должна быть заголовком: ${expected.join(';')}`;
        return finish();
      }
      const counts = { inserted: 0, updated: 0, unchanged: 0 };
      try {
        db.transaction(() => {
          const seen = new Map<string, number>();
          for (let i = 1; i < lines.length; i++) {
            const lineNumber = i + 1;
            if (lines[i].trim() === '') continue;
            report.lines++;
            const fields = splitCsvLine(lines[i]);
            try {
              if (!fields) throw new Reject('незакрытая кавычка или лишний символ после кавычки');
              if (fields.length !== expected.length) throw new Reject(`полей ${fields.length}, ожидается ${expected.length} (разделитель «;»)`);
              counts[applyLine(kind, fields, seen, lineNumber)]++;
            } catch (error) {
              if (!(error instanceof Reject)) throw error;
              if (report.rejected.length < 1000) report.rejected.push({ line: lineNumber, reason: error.message });
              else report.error = 'Больше 1000 ошибок: показаны первые 1000';
            }
          }
          if (report.rejected.length > 0) throw new Rollback();
        })();
        Object.assign(report, counts, { imported: true });
      } catch (error) {
        if (!(error instanceof Rollback)) throw error;
      }
      return finish();
    },

    /** Accepted readings of the periods from..to as CSV lines (header first). */
    *exportReadings(fromPeriod: string, toPeriod: string): Generator<string> {
      yield 'account_number;meter_serial;period;zone;value;submitted_at;source\n';
      for (const r of iterateAcceptedReadings(db, fromPeriod, toPeriod)) {
        yield `${r.number};${csvField(r.serial)};${r.period};${r.zone};${r.value};${new Date(r.submitted_at * 1000).toISOString()};${r.source}\n`;
      }
    },

    /** Every account that takes its bill by e-mail or refused paper; an account not listed gets paper only. */
    *exportDelivery(timeZone: string): Generator<string> {
      const date = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
      yield 'account_number;email_delivery;paper_refused_on\n';
      for (const r of iterateDeliveryChoices(db)) {
        yield `${r.number};${r.email_delivery};${r.paper_refused_at === null ? '' : date.format(new Date(r.paper_refused_at * 1000))}\n`;
      }
    },
  };
}

function csvField(value: string): string {
  return /[;"\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
