// Writes the demo data set into a database: tariffs, then accounts in chunks of one transaction each.
import type { Category } from '../../db/accounts/accounts.ts';
import { beginBulkLoad, bulkInserters, countAccounts, endBulkLoad } from '../../db/bulk.ts';
import type { Db } from '../../db/connection.ts';
import { getTariffPrices, insertTariff } from '../../db/billing/tariffs.ts';
import type { Company } from '../../services/platform/config.ts';
import type { TariffPrice } from '../../services/billing/tariffs.ts';
import { addMonths, dayOf, midnightsIn } from './calendar.ts';
import { simulateAccount, type AccountHistory, type ClosedPeriod, type HistoryContext, type Month } from './history.ts';
import { accountRandom } from './random.ts';
import { demoTariffs } from './tariffs.ts';

/** Bump when the generated data changes, so cached demo databases are rebuilt. */
export const GENERATOR_VERSION = 2;
const seed = 0x5e7_2026;
/** Accounts per transaction: big enough to amortise the commit, small enough to let a reader in between. */
const chunkSize = 2000;

export type DemoOptions = {
  accounts: number;
  years: number;
  /** 'YYYY-MM-DD': its month is the open period; the Y·12 months before it are closed. */
  referenceDay: string;
  company: Company;
  onProgress?: (done: number, total: number) => void;
};

export function generateDemo(db: Db, options: DemoOptions): void {
  if (countAccounts(db) > 0) throw new Error('The database already has accounts; demo data goes into an empty one');
  const firstPeriod = addMonths(options.referenceDay.slice(0, 7), -12 * options.years);
  const midnight = midnightsIn(options.company.timeZone);
  const month = (period: string): Month => ({
    period,
    month: Number(period.slice(5)),
    dayStarts: Array.from({ length: 29 }, (_, day) => (day === 0 ? 0 : midnight(dayOf(period, day)))),
  });
  const periods: ClosedPeriod[] = Array.from({ length: 12 * options.years }, (_, index) => {
    const period = addMonths(firstPeriod, index);
    const next = addMonths(period, 1);
    return { ...month(period), next: month(next), dueOn: dayOf(next, options.company.paymentDueDay) };
  });
  const prices = new Map<string, TariffPrice[][]>();
  const context: HistoryContext = {
    opening: month(addMonths(firstPeriod, -1)),
    periods,
    referenceDay: options.referenceDay,
    referenceStart: midnight(options.referenceDay),
    midnight,
    pricesFor(category: Category, zones: number, index: number) {
      const key = `${category}/${zones}`;
      let byPeriod = prices.get(key);
      if (!byPeriod) prices.set(key, (byPeriod = periods.map(({ period }) => getTariffPrices(db, category, zones, dayOf(period, 1)))));
      return byPeriod[index];
    },
  };

  beginBulkLoad(db);
  try {
    db.transaction(() => {
      for (const tariff of demoTariffs(dayOf(addMonths(firstPeriod, -1), 1), options.referenceDay)) insertTariff(db, tariff);
    })();
    const insert = bulkInserters(db);
    const write = (history: AccountHistory) => {
      const accountId = history.account.id;
      insert.account(history.account);
      if (history.meter) {
        const meterId = insert.meter({ account_id: accountId, ...history.meter });
        for (const reading of history.readings) insert.reading(accountId, meterId, reading);
      }
      for (const { charge, lines } of history.charges) {
        insert.charge(accountId, charge);
        for (const line of lines) insert.chargeLine(accountId, line);
      }
      for (const { entry, payment } of history.ledger) {
        insert.ledger(accountId, { ...entry, payment_id: payment ? insert.payment(accountId, payment) : null });
      }
    };
    for (let first = 1; first <= options.accounts; first += chunkSize) {
      const last = Math.min(options.accounts, first + chunkSize - 1);
      db.transaction(() => {
        for (let id = first; id <= last; id++) write(simulateAccount(id, accountRandom(seed, id), context));
      })();
      options.onProgress?.(last, options.accounts);
    }
  } finally {
    endBulkLoad(db);
  }
}
