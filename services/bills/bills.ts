// The bill (счёт) of an account for a closed period: its data, its printable HTML, its PDF
// (cached once rendered) and the job that sends bills by e-mail.
import type { AccountRow, MeterRow } from '../../db/accounts/accounts.ts';
import type { ChargeRow } from '../../db/billing/charges.ts';
import type { Db } from '../../db/connection.ts';
import { bind } from '../platform/bind.ts';
import type { Clock } from '../platform/clock.ts';
import type { Company } from '../platform/config.ts';
import { createFormatter, type Formatter } from '../platform/format.ts';
import type { Mail } from '../platform/mail.ts';
import { pdfOf } from './bill-pdf.ts';
import { documentHtml, fileName, letterFor } from './document.ts';
import { mailPeriod } from './mailing.ts';
import type { PdfRenderer } from './pdf.ts';
import { statement } from './statement.ts';

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

type BillsDeps = { db: Db; clock: Clock; company: Company; renderer: PdfRenderer; mail: Mail };

/** The dependencies, the formatter of the company's time zone, and what is read or rendered once. */
export type BillsContext = BillsDeps & {
  format: Formatter;
  state: {
    /** The stylesheet, read once: it is part of the code, like the templates. */
    billCss: string | null;
    /** The templates' and the stylesheet's hash, part of every bill's fingerprint. */
    layoutHash: string | null;
    /** PDFs rendering now, by fingerprint. */
    inFlight: Map<string, Promise<Buffer>>;
  };
};

export type Bills = ReturnType<typeof createBills>;

export function createBills(deps: BillsDeps) {
  const context: BillsContext = { ...deps, format: createFormatter(deps.company.timeZone), state: { billCss: null, layoutHash: null, inFlight: new Map() } };
  return { ...bind(context, { statement, documentHtml, pdfOf, letterFor, mailPeriod }), fileName, renderer: deps.renderer };
}
