// WORKERS > 1: this (primary) process forks that many workers. They share the port (node:cluster
// hands connections round-robin) and the SQLite file (WAL, busy_timeout, IMMEDIATE writes). A
// worker that dies is replaced; SIGTERM or SIGINT stops them all gracefully, then the primary.
import cluster, { type Worker } from 'node:cluster';
import type { Logger } from '../platform/logger.ts';

/** A worker dying sooner than this after its start counts as a crash loop: wait longer to replace it. */
const quickDeathMs = 5_000;

export function runWorkers(count: number, logger: Logger): void {
  /** The live workers, with when each started. */
  const startedAt = new Map<Worker, number>();
  let stopping = false;
  let quickDeaths = 0;

  function fork(): void {
    if (stopping) return;
    const worker = cluster.fork();
    startedAt.set(worker, Date.now());
    logger.info({ worker: worker.process.pid }, 'worker started');
  }

  cluster.on('exit', (worker, code, signal) => {
    const started = startedAt.get(worker) ?? 0;
    startedAt.delete(worker);
    if (stopping) {
      if (startedAt.size === 0) {
        logger.info('all workers stopped');
        process.exit(0);
      }
      return;
    }
    quickDeaths = Date.now() - started < quickDeathMs ? quickDeaths + 1 : 0;
    const delayMs = Math.min(30_000, 200 * 2 ** Math.min(quickDeaths, 8));
    logger.warn({ worker: worker.process.pid, code, signal, restartInMs: delayMs }, 'worker died: starting another');
    setTimeout(fork, delayMs);
  });

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, workers: startedAt.size }, 'stopping the workers');
    if (startedAt.size === 0) process.exit(0);
    for (const worker of startedAt.keys()) worker.process.kill('SIGTERM');
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  for (let i = 0; i < count; i++) fork();
}
