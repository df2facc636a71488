// The billing exchange: CSV import of accounts, meters, tariffs, charges and payments (idempotent,
// all-or-nothing per file, with a report of rejected lines) and CSV export of accepted readings and
// of bill-delivery choices. Formats: README «Billing exchange».
import { iterateAcceptedReadings, iterateDeliveryChoices } from '../../db/billing/exchange.ts';
import type { Db } from '../../db/connection.ts';
import { bind } from '../platform/bind.ts';
import type { Clock } from '../platform/clock.ts';
import { csvField, decodeCsv, splitCsvLine } from './csv.ts';
import { applyLine, Reject } from './import-lines.ts';


export type ImportKind = 'accounts' | 'meters' | 'tariffs' | 'charges' | 'payments';

export const importColumns: Record<ImportKind, string[]> = {
  accounts: ['account_number', 'holder', 'address', 'category', 'norm_kwh'],
  meters: ['account_number', 'serial', 'model', 'zones', 'digits', 'installed_on', 'verified_until'],
  tariffs: ['category', 'zones', 'zone', 'band_from_kwh', 'band_to_kwh', 'valid_from', 'valid_to', 'kopecks_per_kwh'],
  charges: ['account_number', 'period', 'basis', 'kwh', 'amount_kopecks', 'due_on'],
  payments: ['account_number', 'payment_id', 'paid_on', 'amount_kopecks', 'channel'],
};

/** Headers a kind also accepts: charges may carry their lines by zone and band (the six-column files still load). */
const importColumnVariants: Partial<Record<ImportKind, string[][]>> = {
  charges: [[...importColumns.charges, 'lines']],
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

export type ExchangeContext = { db: Db; clock: Clock };

export type BillingExchange = ReturnType<typeof createBillingExchange>;

export function createBillingExchange(deps: ExchangeContext) {
  return bind(deps, { importFile, exportReadings, exportDelivery });
}

class Rollback extends Error {}

/**
 * One file in one transaction: every line is checked and applied; if any line is rejected the
 * transaction rolls back and nothing of the file is written, and the report lists each rejected line.
 */
function importFile(deps: ExchangeContext, kind: ImportKind, bytes: Buffer): ImportReport {
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
  const header = splitCsvLine(lines[0] ?? '')?.map((h) => h.trim().toLowerCase()).join(';');
  const headers = [importColumns[kind], ...(importColumnVariants[kind] ?? [])];
  const expected = headers.find((columns) => columns.join(';') === header);
  if (!expected) {
    report.error = `Первая строка должна быть заголовком: ${headers.map((columns) => columns.join(';')).join(' или ')}`;
    return finish();
  }
  const counts = { inserted: 0, updated: 0, unchanged: 0 };
  try {
    deps.db.transaction(() => applyLines(deps, kind, expected, lines, report, counts))();
    Object.assign(report, counts, { imported: true });
  } catch (error) {
    if (!(error instanceof Rollback)) throw error;
  }
  return finish();
}

/** Every data line after the header, counted into counts; any rejected line throws Rollback at the end. */
function applyLines(deps: ExchangeContext, kind: ImportKind, expected: string[], lines: string[], report: ImportReport, counts: Record<'inserted' | 'updated' | 'unchanged', number>): void {
  const seen = new Map<string, number>();
  for (let i = 1; i < lines.length; i++) {
    const lineNumber = i + 1;
    if (lines[i].trim() === '') continue;
    report.lines++;
    const fields = splitCsvLine(lines[i]);
    try {
      if (!fields) throw new Reject('незакрытая кавычка или лишний символ после кавычки');
      if (fields.length !== expected.length) throw new Reject(`полей ${fields.length}, ожидается ${expected.length} (разделитель «;»)`);
      counts[applyLine(deps, kind, fields, seen, lineNumber)]++;
    } catch (error) {
      if (!(error instanceof Reject)) throw error;
      if (report.rejected.length < 1000) report.rejected.push({ line: lineNumber, reason: error.message });
      else report.error = 'Больше 1000 ошибок: показаны первые 1000';
    }
  }
  if (report.rejected.length > 0) throw new Rollback();
}

/** Accepted readings of the periods from..to as CSV lines (header first). */
function* exportReadings({ db }: ExchangeContext, fromPeriod: string, toPeriod: string): Generator<string> {
  yield 'account_number;meter_serial;period;zone;value;submitted_at;source\n';
  for (const r of iterateAcceptedReadings(db, fromPeriod, toPeriod)) {
    yield `${r.number};${csvField(r.serial)};${r.period};${r.zone};${r.value};${new Date(r.submitted_at * 1000).toISOString()};${r.source}\n`;
  }
}

/** Every account that takes its bill by e-mail or refused paper; an account not listed gets paper only. */
function* exportDelivery({ db }: ExchangeContext, timeZone: string): Generator<string> {
  const date = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  yield 'account_number;email_delivery;paper_refused_on\n';
  for (const r of iterateDeliveryChoices(db)) {
    yield `${r.number};${r.email_delivery};${r.paper_refused_at === null ? '' : date.format(new Date(r.paper_refused_at * 1000))}\n`;
  }
}
