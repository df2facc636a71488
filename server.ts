// Starts Svet: config → database → services → app → listen.
import { openDatabase } from './db/connection.ts';
import { createApp } from './routes/app.ts';
import { systemClock } from './services/clock.ts';
import { loadConfig } from './services/config.ts';
import { createServices } from './services/index.ts';
import { startSandboxBank } from './services/sandbox-bank.ts';
import { ensureDemoData } from './scripts/demo/ensure.ts';

const config = loadConfig();
const db = openDatabase(config.databasePath);
// No real acquirer configured (outside production): the sandbox bank answers on its own port.
const sandbox = config.payment.sandbox.enabled
  ? await startSandboxBank(
      { db, username: config.payment.username, password: config.payment.password, callbackKey: config.payment.callbackKey, behaviour: { callbacks: config.payment.sandbox.callbacks } },
      { port: config.payment.sandbox.port },
    )
  : null;
if (sandbox) {
  config.payment.gatewayUrl = sandbox.gatewayUrl;
  console.log(`Песочница банка: ${sandbox.origin} (карта 4111 1111 1111 1111)`);
}
const services = createServices(config, db, systemClock);
if (config.demoData) await ensureDemoData(db, config, systemClock);
services.mail.startWorker();
services.payments.startReconciler();

const app = createApp(services);
const server = app.listen(config.port, () => {
  console.log(`Svet слушает ${config.baseUrl} (порт ${config.port}, база ${config.databasePath})`);
});

function shutdown(): void {
  server.close(() => {
    void Promise.all([services.mail.close(), services.payments.stop(), sandbox?.close(), services.pdf.close()]).finally(() => {
      db.close();
      process.exit(0);
    });
  });
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
