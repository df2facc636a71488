// Starts Svet: config → database → services → app → listen.
import { openDatabase } from './db/connection.ts';
import { createApp } from './routes/app.ts';
import { systemClock } from './services/clock.ts';
import { loadConfig } from './services/config.ts';
import { createServices } from './services/index.ts';
import { ensureDemoData } from './scripts/demo/ensure.ts';

const config = loadConfig();
const db = openDatabase(config.databasePath);
const services = createServices(config, db, systemClock);
if (config.demoData) ensureDemoData(db, config, systemClock);
services.mail.startWorker();

const app = createApp(services);
const server = app.listen(config.port, () => {
  console.log(`Svet слушает ${config.baseUrl} (порт ${config.port}, база ${config.databasePath})`);
});

function shutdown(): void {
  server.close(() => {
    void services.mail.close().finally(() => {
      db.close();
      process.exit(0);
    });
  });
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
