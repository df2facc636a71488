// The app served as http://localhost:<port> (not 127.0.0.1): WebAuthn refuses IP origins, and the
// relying party id and origin come from BASE_URL. Otherwise as startTestApp: temp SQLite, fixed clock.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Db } from '../../db/connection.ts';
import { createApp } from '../../routes/app.ts';
import { loadConfig, type Config } from '../../services/platform/config.ts';
import { createServices, type Services } from '../../services/index.ts';

export type LocalhostApp = { baseUrl: string; db: Db; config: Config; services: Services; errors: unknown[]; stopServing(): Promise<void>; close(): Promise<void> };

export async function startLocalhostApp(): Promise<LocalhostApp> {
  const dir = mkdtempSync(join(tmpdir(), 'svet-test-'));
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const config = loadConfig({ NODE_ENV: 'test', PORT: String(port), BASE_URL: `http://localhost:${port}`, DATABASE_PATH: join(dir, 'svet.db'), DEMO_DATA: '0' });
  const db = openDatabase(config.databasePath);
  // The real time: browsers check WebAuthn and service-worker timings against their own clock.
  const services = createServices(config, db, { now: () => Date.now() });
  const errors: unknown[] = [];
  server.on('request', createApp(services, { log: (error) => errors.push(error) }));
  let serving = true;
  async function stopServing() {
    if (!serving) return;
    serving = false;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  return {
    baseUrl: config.baseUrl,
    db,
    config,
    services,
    errors,
    stopServing,
    async close() {
      await stopServing();
      await services.mail.close();
      await services.pdf.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

