// Outside production: an empty database gets the default demo data set, and the console says how to try it.
import { getAccountByNumber, getActiveMeter, getLastChargeAmount } from '../../db/accounts/accounts.ts';
import { countAccounts } from '../../db/bulk.ts';
import type { Db } from '../../db/connection.ts';
import type { Clock } from '../../services/platform/clock.ts';
import type { Config } from '../../services/platform/config.ts';
import { localDay } from './calendar.ts';
import { generateDemo } from './generate.ts';
import { firstAccountNumber } from './history.ts';
import { demoUser, insertDemoUser } from './user.ts';

const defaultSet = { accounts: 1000, years: 3 };

/** Generation is synchronous; only the demo user's password hash is awaited. */
export async function ensureDemoData(db: Db, config: Config, clock: Clock): Promise<void> {
  if (countAccounts(db) > 0) return;
  const started = performance.now();
  const referenceDay = localDay(clock.now(), config.company.timeZone);
  generateDemo(db, { ...defaultSet, referenceDay, company: config.company });
  await insertDemoUser(db, config.company, referenceDay);
  const seconds = ((performance.now() - started) / 1000).toFixed(1).replace('.', ',');
  console.log(demoGuide(db, config, seconds));
}

/** Three unregistered accounts with the meter serial a newcomer types, and one without a meter. */
function demoGuide(db: Db, config: Config, seconds: string): string {
  const withMeter: string[] = [];
  let withoutMeter = '';
  for (let number = firstAccountNumber + 1; withMeter.length < 3 || !withoutMeter; number++) {
    const account = getAccountByNumber(db, String(number));
    if (!account) break;
    const meter = getActiveMeter(db, account.id);
    if (meter && withMeter.length < 3) withMeter.push(`    ${account.number} — заводской номер счётчика ${meter.serial}`);
    const lastBill = getLastChargeAmount(db, account.id);
    if (!meter && !withoutMeter && lastBill !== undefined) {
      withoutMeter = `    ${account.number} — без счётчика, сумма последнего счёта ${(lastBill / 100).toFixed(2).replace('.', ',')}`;
    }
  }
  return [
    `Демо-данные созданы: ${defaultSet.accounts} лицевых счетов за ${defaultSet.years} года (${seconds} с).`,
    `  Вход: лицевой счёт ${demoUser.accountNumber}, пароль ${demoUser.password}`,
    '  Для регистрации (лицевой счёт — подтверждение):',
    ...withMeter,
    ...(withoutMeter ? [withoutMeter] : []),
    `  Письма со ссылкой активации: ${config.baseUrl}/dev/mailbox`,
  ].join('\n');
}
