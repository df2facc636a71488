// The data of a bill: the charge of a closed period with its lines, the meter's readings, the
// ledger's recalculations and payments, the balances, and the payment QR code's payload.
import { getAccountWithMeter, type AccountRow, type MeterRow } from '../../db/accounts/accounts.ts';
import { listChargeLines, type ChargeRow } from '../../db/billing/charges.ts';
import { getTariffPrices } from '../../db/billing/tariffs.ts';
import {
  acceptedSubmissionOfPeriod,
  getCharge,
  ledgerSumBeforePeriod,
  listLedgerOfPeriod,
  previousAcceptedPeriod,
  type LedgerRow,
} from '../../db/bills/bills.ts';
import type { Db } from '../../db/connection.ts';
import { formatInteger, formatPeriod } from '../platform/format.ts';
import { isPeriod } from '../billing/periods.ts';
import { bandsOf, categoryNames, consumptionBetween, zoneNames } from '../billing/tariffs.ts';
import type { Bill, BillEntry, BillLine, BillReading, BillsContext } from './bills.ts';
import { paymentQrDataUri, paymentQrPayload } from './payment-qr.ts';

const basisNames: Record<ChargeRow['basis'], string> = {
  readings: 'по показаниям прибора учёта',
  average: 'по среднемесячному объёму (показания не переданы)',
  norm: 'по нормативу потребления',
};

/**
 * The bill of a closed period, or null when the period is not closed for the account (or
 * malformed). `qrImage: false` leaves the QR code's picture (the costly part) to pdfOf, which
 * draws it only when the cached PDF is stale.
 */
export async function statement({ db, company }: BillsContext, accountId: number, period: string, options: { qrImage?: boolean } = {}): Promise<Bill | null> {
  if (!isPeriod(period)) return null;
  // One read transaction: the charge, the ledger and the readings agree with each other.
  const data = db.transaction(() => billData(db, accountId, period))();
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

/** Everything on the bill but its QR code, or null when the period has no charge. */
function billData(db: Db, accountId: number, period: string): Omit<Bill, 'qr'> | null {
  const charge = getCharge(db, accountId, period);
  const found = getAccountWithMeter(db, accountId);
  if (!charge || !found) return null;
  const { account, meter } = found;
  const lines = billLines(db, account, meter, charge, period);
  const totals = ledgerTotals(db, accountId, period, charge);
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
    readings: meter ? readingsOf(db, account, meter, period) : [],
    lines,
    ...totals,
    amountDueKopecks: Math.max(0, totals.closingKopecks),
    dueOn: charge.due_on,
    issuedAt: charge.closed_at,
  };
}

/** The charge's lines by zone and band at the period's tariff. */
function billLines(db: Db, account: AccountRow, meter: MeterRow | undefined, charge: ChargeRow, period: string): BillLine[] {
  const zones = (meter?.zones ?? 1) as 1 | 2 | 3;
  const bands = bandsOf(getTariffPrices(db, account.category, zones, `${period}-01`));
  const chargeLines = listChargeLines(db, account.id, period);
  return chargeLines.length > 0
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
}

function bandLabel(band: number, bands: [number, number | null][]): string | null {
  if (bands.length < 2) return null;
  const [from, to] = bands[band - 1] ?? [0, null];
  if (to === null) return `свыше ${formatInteger(from)} кВт·ч`;
  if (from === 0) return `до ${formatInteger(to)} кВт·ч`;
  return `${formatInteger(from + 1)}–${formatInteger(to)} кВт·ч`;
}

/** The period's ledger on the bill: opening balance, charge, recalculations, payments, closing balance. */
function ledgerTotals(db: Db, accountId: number, period: string, charge: ChargeRow) {
  const ledger = listLedgerOfPeriod(db, accountId, period);
  const entry = (e: LedgerRow, fallback: string): BillEntry => ({ at: e.at, note: e.note ?? fallback, amountKopecks: e.amount_kopecks });
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
  return { chargedKopecks, recalculations, recalculatedKopecks, openingKopecks: openingKopecks + otherKopecks, payments, paidKopecks, closingKopecks };
}

function readingsOf(db: Db, account: AccountRow, meter: MeterRow, period: string): BillReading[] {
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
