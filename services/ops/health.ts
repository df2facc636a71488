// What a load balancer asks: does the process answer, does the database, is the schema the
// code's, is Chromium usable, how many letters wait. No personal data, no session, never cached.
import { accessSync, constants } from 'node:fs';
import { latestSchemaVersion, type Db } from '../../db/connection.ts';
import type { PdfRenderer } from '../bills/pdf.ts';

export type ChromiumState = 'idle' | 'ready' | 'down';

export type HealthReport = {
  status: 'ok' | 'fail';
  database: 'ok' | 'down';
  migrations: { current: number | null; expected: number };
  /** idle: not launched yet (it starts at the first PDF); ready: running; down: missing or dead. */
  chromium: ChromiumState;
  outboxBacklog: number | null;
};

export type Health = ReturnType<typeof createHealth>;

export function createHealth(deps: { db: Db; pdf: PdfRenderer; chromePath: string }) {
  const expected = latestSchemaVersion();

  async function chromium(): Promise<ChromiumState> {
    try {
      accessSync(deps.chromePath, constants.X_OK);
    } catch {
      return 'down';
    }
    if (deps.pdf.stats().launches === 0) return 'idle';
    // pid() waits for a launch in progress: a browser still starting after 200 ms is not ready yet.
    const pid = await Promise.race([deps.pdf.pid(), new Promise<'slow'>((resolve) => setTimeout(resolve, 200, 'slow'))]);
    if (pid === 'slow') return 'down';
    if (pid === null) return 'idle';
    try {
      process.kill(pid, 0);
      return 'ready';
    } catch {
      return 'down';
    }
  }

  return {
    async check(): Promise<HealthReport> {
      let current: number | null = null;
      let backlog: number | null = null;
      let database: HealthReport['database'] = 'ok';
      try {
        current = deps.db.pragma('user_version', { simple: true }) as number;
        backlog = (deps.db.prepare('SELECT count(*) AS n FROM outbox WHERE sent_at IS NULL').get() as { n: number }).n;
      } catch {
        database = 'down';
      }
      const report: HealthReport = {
        status: 'ok',
        database,
        migrations: { current, expected },
        chromium: await chromium(),
        outboxBacklog: backlog,
      };
      // Chromium down is not fatal (the HTML bill is served), nor is a mail backlog: both are reported.
      if (database !== 'ok' || current !== expected) report.status = 'fail';
      return report;
    },
  };
}
