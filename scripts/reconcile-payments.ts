// Settles card orders still pending with the bank (the same job the server runs on a timer):
// `npm run reconcile-payments -- [--older-than-minutes N]`. Safe beside the running server.
import { openDatabase } from '../db/connection.ts';
import { systemClock } from '../services/platform/clock.ts';
import { loadConfig } from '../services/platform/config.ts';
import { createServices } from '../services/index.ts';
import { startSandboxBank } from '../services/payments/sandbox-bank/sandbox-bank.ts';

const config = loadConfig();
const flag = process.argv.indexOf('--older-than-minutes');
const olderThanMinutes = flag > 0 ? Number(process.argv[flag + 1]) : config.payment.reconcileAfterMinutes;
if (!Number.isInteger(olderThanMinutes) || olderThanMinutes < 0) {
  console.error('--older-than-minutes needs a whole number of minutes');
  process.exit(2);
}

const db = openDatabase(config.databasePath);
// Without a real gateway the sandbox bank's orders are in this same file: a private sandbox on
// a free port answers for them, whether or not the server (and its sandbox) is running.
const sandbox = config.payment.sandbox.enabled
  ? await startSandboxBank({ db, username: config.payment.username, password: config.payment.password, callbackKey: config.payment.callbackKey, behaviour: { callbacks: false } })
  : null;
if (sandbox) config.payment.gatewayUrl = sandbox.gatewayUrl;
const services = createServices(config, db, systemClock);
try {
  const report = await services.payments.reconcile({ olderThanSeconds: olderThanMinutes * 60 });
  console.log(`Проверено заказов: ${report.checked}, зачислено: ${report.credited}, банк не ответил: ${report.unavailable}`);
} finally {
  await services.mail.close();
  await sandbox?.close();
  db.close();
}
