// Starts Svet: config → database → services → app → listen; on SIGTERM/SIGINT a graceful stop.
// With WORKERS > 1 this process migrates the database, then forks the workers that serve.
import cluster from 'node:cluster';
import { openDatabase } from './db/connection.ts';
import { createApp } from './routes/app.ts';
import { ensureDemoData } from './scripts/demo/ensure.ts';
import { createServices } from './services/index.ts';
import { createBackground } from './services/ops/background.ts';
import { runWorkers } from './services/ops/workers.ts';
import { startSandboxBank } from './services/payments/sandbox-bank/sandbox-bank.ts';
import { systemClock } from './services/platform/clock.ts';
import { loadConfig, type Config } from './services/platform/config.ts';
import { createLogger } from './services/platform/logger.ts';

const config = loadConfig();
if (config.workers > 1 && cluster.isPrimary) {
  // Migrations and the demo data once, before any worker opens the file.
  const db = openDatabase(config.databasePath);
  if (config.demoData) await ensureDemoData(db, config, systemClock);
  db.close();
  runWorkers(config.workers, createLogger(config.logLevel));
} else {
  await serve(config);
}

async function serve(config: Config): Promise<void> {
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
  if (config.demoData && cluster.isPrimary) await ensureDemoData(db, config, systemClock);
  const background = createBackground({
    db,
    clock: systemClock,
    leaseSeconds: config.jobLeaseSeconds,
    log: (message, detail) => logger.info(detail ?? {}, message),
    jobs: [
      // Polled often: with several workers a letter written by another one waits for this look.
      { name: 'outbox', start: () => services.mail.startWorker(config.workers > 1 ? 2_000 : undefined), stop: () => services.mail.stopWorker() },
      { name: 'payment reconciler', start: () => services.payments.startReconciler(), stop: () => services.payments.stop() },
      { name: 'retention', start: () => services.retention.startTimer(undefined, (error) => logger.error({ err: error }, 'retention purge failed')), stop: () => services.retention.stop() },
      { name: 'reading reminders', start: () => services.notices.startTimer(undefined, (error) => logger.error({ err: error }, 'reading reminders failed')), stop: () => services.notices.stop() },
    ],
  });
  background.start();

  const app = createApp(services);
  const server = app.listen(config.port, () => {
    logger.info({ baseUrl: config.baseUrl, port: config.port, database: config.databasePath }, 'Svet слушает');
  });

  let stopping = false;

  /**
   * Stop accepting, let requests in flight finish (at most SHUTDOWN_TIMEOUT_MS, then their
   * connections are cut), then stop the background jobs (freeing their lease), the browser and
   * the bank, and close the database last, so nothing writes to a closed connection.
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
    await background.stop();
    await Promise.allSettled([services.mail.close(), sandbox?.close(), services.pdf.close()]);
    db.close();
    logger.info({ ms: Date.now() - started }, 'stopped');
    logger.flush?.();
    process.exit(0);
  }
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}
