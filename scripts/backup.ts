// An online backup, safe while the server runs: npm run backup [-- --dir /var/backups/svet --keep 14 --verify]
// Writes svet-<UTC time>.db into BACKUP_DIR and keeps the newest BACKUP_KEEP of them.
import { parseArgs } from 'node:util';
import { backupDatabase, checkBackup } from '../services/ops/backup.ts';
import { loadConfig } from '../services/platform/config.ts';

const { values } = parseArgs({ options: { dir: { type: 'string' }, keep: { type: 'string' }, verify: { type: 'boolean', default: false } } });
const config = loadConfig();
const keep = values.keep === undefined ? config.backup.keep : Number(values.keep);
if (!Number.isInteger(keep) || keep < 1) {
  console.error('Usage: npm run backup -- [--dir DIR] [--keep N>=1] [--verify]');
  process.exit(2);
}
const result = await backupDatabase(config.databasePath, { dir: values.dir ?? config.backup.dir, keep });
let verified: string | null = null;
if (values.verify) {
  const check = checkBackup(result.path);
  if (!check.ok) {
    console.error(`Backup ${result.path} failed its check: ${check.reason}`);
    process.exit(1);
  }
  verified = `schema ${check.schemaVersion}, integrity ok`;
}
console.log(JSON.stringify({ ...result, verified }));
