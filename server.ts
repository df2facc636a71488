// Starts Svet: config → database → services → app → listen; on SIGTERM/SIGINT a graceful stop.
import { openDatabase } from './db/connection.ts';
import { createApp } from './routes/app.ts';
import { systemClock } from './services/platform/clock.ts';
import { loadConfig } from './services/platform/config.ts';
import { createServices } from './services/index.ts';
import { startSandboxBank } from './services/payments/sandbox-bank/sandbox-bank.ts';
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
if (sandbox) config.payment.gatewayUrl = sandbox.gatewayUrl;
const services = createServices(config, db, systemClock);
const { logger } = services;
if (sandbox) logger.info({ origin: sandbox.origin }, 'Песочница банка (карта 4111 1111 1111 1111)');
if (config.demoData) await ensureDemoData(db, config, systemClock);
services.mail.startWorker();
services.payments.startReconciler();
services.retention.startTimer(undefined, (error) => logger.error({ err: error }, 'retention purge failed'));

const app = createApp(services);
const server = app.listen(config.port, () => {
  logger.info({ baseUrl: config.baseUrl, port: config.port, database: config.databasePath }, 'Svet слушает');
});

let stopping = false;

/**
 * Stop accepting, let requests in flight finish (at most SHUTDOWN_TIMEOUT_MS, then their
 * connections are cut), then stop the timers, the browser and the bank, and close the database
 * last, so nothing writes to a closed connection.
 */
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  const started = Date.now();
  logger.info({ signal, timeoutMs: config.shutdownTimeoutMs }, 'shutting down');
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // Keep-alive connections that fall idle after close() would hold it open until their timeout.
  const idleSweep = setInterval(() => server.closeIdleConnections(), 100);
  const timedOut = await Promise.race([
    closed.then(() => false),
    new Promise<boolean>((resolve) => setTimeout(resolve, config.shutdownTimeoutMs, true).unref()),
  ]);
  clearInterval(idleSweep);
  if (timedOut) {
    logger.warn('requests still in flight at the shutdown limit: their connections are cut');
    server.closeAllConnections();
  }
  services.retention.stop();
  await Promise.allSettled([services.mail.close(), services.payments.stop(), sandbox?.close(), services.pdf.close()]);
  db.close();
  logger.info({ ms: Date.now() - started }, 'stopped');
  logger.flush?.();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
