// Opens the one writer connection and brings the schema up to date.
import Database from 'better-sqlite3';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type Db = Database.Database;

const migrationsDir = fileURLToPath(new URL('./migrations', import.meta.url));

export type Migration = { version: number; name: string; sql: string };

export function listMigrations(): Migration[] {
  return readdirSync(migrationsDir)
    .filter((file) => /^\d{4}-[\w-]+\.sql$/.test(file))
    .sort()
    .map((file) => ({
      version: Number(file.slice(0, 4)),
      name: file,
      sql: readFileSync(join(migrationsDir, file), 'utf8'),
    }));
}

export function latestSchemaVersion(): number {
  const all = listMigrations();
  return all.length === 0 ? 0 : all[all.length - 1].version;
}

export function openDatabase(path: string, options: { migrate?: boolean } = {}): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  // A region's file is gigabytes: a 64 MiB page cache and memory-mapped reads keep the B-tree's
  // upper levels in memory, so a page read is not a system call (see README, Benchmarks).
  db.pragma('cache_size = -65536');
  db.pragma('mmap_size = 2147483648');
  writeTransactionsBeginImmediately(db);
  if (options.migrate !== false) migrate(db);
  return db;
}

/**
 * db.transaction(fn) begins IMMEDIATE here, not DEFERRED. Scripts (the monthly close, imports)
 * write beside the server: a deferred transaction that reads and then writes cannot wait for the
 * other writer (SQLite answers SQLITE_BUSY / SQLITE_BUSY_SNAPSHOT at once, busy_timeout or not),
 * while BEGIN IMMEDIATE takes the write lock first and waits for it under busy_timeout. A
 * transaction that only reads can ask for `db.transaction(fn).deferred()`. A request's several
 * reads belong in one: outside a transaction every statement takes and drops the WAL read lock
 * itself (an fcntl, an fstat, an fcntl: ~6 µs here, most of a keyed read); inside one, once. Build
 * it once where it is called often (building db.transaction(fn) costs ~5 µs a call). The reads of
 * every logged-in page (session, links, overview) go further: db/group-read.ts runs all the
 * requests' reads of one turn of the event loop in one such transaction.
 */
function writeTransactionsBeginImmediately(db: Db): void {
  const transaction = db.transaction.bind(db);
  db.transaction = ((fn: Parameters<Db['transaction']>[0]) => transaction(fn).immediate) as Db['transaction'];
}

export function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  const migrations = listMigrations();
  const latest = migrations.length === 0 ? 0 : migrations[migrations.length - 1].version;
  if (current > latest) {
    throw new Error(`Database schema version ${current} is newer than this code (${latest}); refusing to start`);
  }
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    })();
  }
}
