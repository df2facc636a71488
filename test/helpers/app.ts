// Starts the real app on an ephemeral port with a temp SQLite file, a fixed clock and,
// when asked, a real SMTP server on 127.0.0.1.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Db } from '../../db/connection.ts';
import { createApp } from '../../routes/app.ts';
import { loadConfig, type Config } from '../../services/platform/config.ts';
import { createServices, type Services } from '../../services/index.ts';
import { fixedClock, type TestClock } from './clock.ts';
import { startSmtp, type TestSmtp } from './smtp.ts';

export type TestApp = {
  baseUrl: string;
  port: number;
  db: Db;
  dbPath: string;
  config: Config;
  services: Services;
  clock: TestClock;
  smtp: TestSmtp | null;
  errors: unknown[];
  close(): Promise<void>;
};

export async function startTestApp(options: { smtp?: boolean; env?: Record<string, string>; clock?: TestClock } = {}): Promise<TestApp> {
  const dir = mkdtempSync(join(tmpdir(), 'svet-test-'));
  const dbPath = join(dir, 'svet.db');
  const smtp = options.smtp ? await startSmtp() : null;
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: String(port),
    BASE_URL: `http://127.0.0.1:${port}`,
    DATABASE_PATH: dbPath,
    DEMO_DATA: '0',
    ...(smtp ? { SMTP_URL: smtp.url } : {}),
    ...options.env,
  });
  const db = openDatabase(dbPath);
  const clock = options.clock ?? fixedClock();
  const services = createServices(config, db, clock);
  const errors: unknown[] = [];
  const app = createApp(services, { log: (error) => errors.push(error) });
  server.on('request', app);

  return {
    baseUrl: config.baseUrl,
    port,
    db,
    dbPath,
    config,
    services,
    clock,
    smtp,
    errors,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await services.mail.close();
      await services.pdf.close();
      await smtp?.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
