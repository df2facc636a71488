// What Главная and Информация show about an account now.
import { getAccountWithMeter, type AccountRow, type MeterRow } from '../../db/accounts/accounts.ts';
import { latestCharge, type ChargeRow } from '../../db/billing/charges.ts';
import type { Db } from '../../db/connection.ts';
import type { GroupRead } from '../../db/group-read.ts';
import { lastAcceptedReadings, type ReadingRow } from '../../db/billing/readings.ts';
import { getTariffPrices } from '../../db/billing/tariffs.ts';
import type { Clock } from '../platform/clock.ts';
import type { Company } from '../platform/config.ts';
import { addMonths, isoDay, localDate, periodOf } from '../billing/periods.ts';
import { bandsOf, categoryNames, zoneNames, type TariffPrice } from '../billing/tariffs.ts';

export type Balance = { kind: 'debt' | 'overpayment' | 'settled'; kopecks: number };

export type ZoneTariff = { zone: number; name: string; bands: { fromKwh: number; toKwh: number | null; kopecksPerKwh: number }[] };

export type Verification = { until: string; state: 'ok' | 'soon' | 'overdue' };

export type AccountOverview = {
  account: AccountRow;
  categoryName: string;
  meter: MeterRow | undefined;
  balance: Balance;
  lastCharge: ChargeRow | undefined;
  amountDueKopecks: number;
  lastReadings: ReadingRow[];
  tariffs: ZoneTariff[];
  verification: Verification | null;
};

export type Overview = ReturnType<typeof createOverview>;

/** The meter's verification date against today: overdue, within the warning days, or fine. */
function verificationOf(meter: MeterRow, todayIso: string, warningDays: number): Verification {
  const warnFrom = new Date(Date.parse(`${meter.verified_until}T00:00:00Z`) - warningDays * 86400_000).toISOString().slice(0, 10);
  return { until: meter.verified_until, state: meter.verified_until <= todayIso ? 'overdue' : warnFrom <= todayIso ? 'soon' : 'ok' };
}

export function createOverview(deps: { db: Db; clock: Clock; company: Company; reads: GroupRead }) {
  const { db, clock, company, reads } = deps;

  function tariffsFor(account: AccountRow, zones: 1 | 2 | 3, today: string): ZoneTariff[] {
    const prices = getTariffPrices(db, account.category, zones, today);
    return zoneNames[zones].map((name, i) => ({
      zone: i + 1,
      name,
      bands: bandsOf(prices.filter((p: TariffPrice) => p.zone === i + 1)).map(([fromKwh, toKwh]) => ({
        fromKwh,
        toKwh,
        kopecksPerKwh: prices.find((p) => p.zone === i + 1 && p.band_from_kwh === fromKwh)!.kopecks_per_kwh,
      })),
    }));
  }

  function overviewOf(accountId: number): AccountOverview | undefined {
    const found = getAccountWithMeter(db, accountId);
    if (!found) return undefined;
    const { account, meter } = found;
    const today = localDate(clock.now(), company.timeZone);
    const todayIso = isoDay(today);
    const balanceKopecks = account.balance_kopecks;
    const lastReadings = meter ? lastAcceptedReadings(db, accountId, meter.id, addMonths(periodOf(today), 2)) : [];
    return {
      account,
      categoryName: categoryNames[account.category],
      meter,
      balance: {
        kind: balanceKopecks > 0 ? 'debt' : balanceKopecks < 0 ? 'overpayment' : 'settled',
        kopecks: Math.abs(balanceKopecks),
      },
      lastCharge: latestCharge(db, accountId),
      amountDueKopecks: Math.max(0, balanceKopecks),
      lastReadings,
      tariffs: tariffsFor(account, meter?.zones ?? 1, todayIso),
      verification: meter ? verificationOf(meter, todayIso, company.verificationWarningDays) : null,
    };
  }

  // Its reads go with the other requests' of this turn, in one read transaction (db/group-read.ts).
  return {
    /** An account the caller knows exists (a customer's own link). */
    async of(accountId: number): Promise<AccountOverview> {
      return (await reads.run(() => overviewOf(accountId)))!;
    },
    /** Any account id (an operator's look-up); undefined when there is no such account. */
    find(accountId: number): Promise<AccountOverview | undefined> {
      return reads.run(() => overviewOf(accountId));
    },
  };
}
