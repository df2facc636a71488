// Restores a backup over the database: npm run restore -- --from backups/svet-20261128T021500Z.db [--to data/svet.db]
// Stop the server first: a database any process has open is refused. The backup must pass
// PRAGMA integrity_check and carry a schema version this code runs; the replaced file is kept.
import { parseArgs } from 'node:util';
import { restoreDatabase } from '../services/ops/backup.ts';
import { loadConfig } from '../services/platform/config.ts';

const { values } = parseArgs({ options: { from: { type: 'string' }, to: { type: 'string' } } });
if (!values.from) {
  console.error('Usage: npm run restore -- --from BACKUP_FILE [--to DATABASE_PATH]');
  process.exit(2);
}
const target = values.to ?? loadConfig().databasePath;
try {
  const result = restoreDatabase(values.from, target);
  console.log(`Восстановлено: ${result.target} (схема ${result.schemaVersion})${result.previous ? `; прежний файл сохранён как ${result.previous}` : ''}`);
} catch (error) {
  console.error(`Не восстановлено: ${(error as Error).message}`);
  process.exit(1);
}
