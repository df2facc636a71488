// Online backup under write load (a child process writing money entries), then restore into a
// new file and compare; the restore refuses a damaged backup, a newer schema and a database in use.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, openSync, readdirSync, rmSync, writeSync, closeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { latestSchemaVersion, openDatabase, type Db } from '../../db/connection.ts';
import { backupDatabase, backupFileName, checkBackup } from '../../services/ops/backup.ts';
import { seedAccount } from '../helpers/fixtures.ts';

type World = { dir: string; dbPath: string; db: Db; backup: string; accounts: number[] };

const test = suite<World>('backup and restore');

/** Each transaction: a ledger entry and the cached balance, as the app's money moves do. */
const writerSource = `
import Database from 'better-sqlite3';
const db = new Database(process.env.DATABASE_PATH);
db.pragma('journal_mode = WAL'); db.pragma('synchronous = FULL'); db.pragma('busy_timeout = 5000');
const accounts = db.prepare('SELECT id FROM accounts').pluck().all();
const nextSeq = db.prepare('SELECT coalesce(max(seq), 0) + 1 FROM ledger WHERE account_id = ?').pluck();
const entry = db.prepare("INSERT INTO ledger (account_id, seq, at, kind, amount_kopecks, note) VALUES (?, ?, ?, 'recalculation', ?, 'load')");
const balance = db.prepare('UPDATE accounts SET balance_kopecks = balance_kopecks + ? WHERE id = ?');
const audit = db.prepare("INSERT INTO audit_log (at, event, account_id) VALUES (?, 'test.write', ?)");
const write = db.transaction((i) => {
  const account = accounts[i % accounts.length];
  const amount = (i * 7919) % 100000 - 50000;
  entry.run(account, nextSeq.get(account), i, amount);
  balance.run(amount, account);
  audit.run(i, account);
});
let stop = false;
process.on('SIGTERM', () => { stop = true; });
let i = 0;
function burst() {
  for (let k = 0; k < 20; k++) write(++i);
  if (i === 20) console.log('ready');
  if (stop) { db.close(); process.exit(0); }
  setImmediate(burst);
}
burst();
`;

function tableDigest(db: Database.Database, sql: string): { rows: number; sha256: string } {
  const hash = createHash('sha256');
  let rows = 0;
  for (const row of db.prepare(sql).raw().iterate()) {
    hash.update(JSON.stringify(row));
    rows++;
  }
  return { rows, sha256: hash.digest('hex') };
}

function digests(path: string) {
  const db = new Database(path, { readonly: true });
  try {
    return {
      ledger: tableDigest(db, 'SELECT account_id, seq, at, kind, amount_kopecks, note FROM ledger ORDER BY account_id, seq'),
      accounts: tableDigest(db, 'SELECT id, number, balance_kopecks FROM accounts ORDER BY id'),
      audit: tableDigest(db, 'SELECT id, at, event, account_id FROM audit_log ORDER BY id'),
      unbalanced: db.prepare('SELECT count(*) FROM accounts a WHERE a.balance_kopecks != (SELECT coalesce(sum(amount_kopecks), 0) FROM ledger l WHERE l.account_id = a.id)').pluck().get() as number,
    };
  } finally {
    db.close();
  }
}

function runScript(script: string, args: string[], env: Record<string, string>) {
  return spawnSync(process.execPath, ['--import', 'tsx', script, ...args], { env: { PATH: process.env.PATH, NODE_ENV: 'test', ...env }, encoding: 'utf8', timeout: 60_000 });
}

test.before((world) => {
  world.dir = mkdtempSync(join(tmpdir(), 'svet-backup-'));
  world.dbPath = join(world.dir, 'svet.db');
  world.db = openDatabase(world.dbPath);
  world.accounts = Array.from({ length: 30 }, () => seedAccount(world.db).id);
});

test.after((world) => {
  world.db.close();
  rmSync(world.dir, { recursive: true, force: true });
});

test('npm run backup while a child process writes: a consistent snapshot, checked', async (world) => {
  const writer = spawn(process.execPath, ['--input-type=module', '-e', writerSource], { env: { PATH: process.env.PATH, DATABASE_PATH: world.dbPath }, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<number | null>((resolve) => writer.once('exit', resolve));
  await new Promise<void>((resolve) => writer.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve()));
  await new Promise((resolve) => setTimeout(resolve, 200));
  const count = () => world.db.prepare('SELECT count(*) FROM ledger').pluck().get() as number;
  const before = count();
  const backup = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/backup.ts', '--dir', join(world.dir, 'backups'), '--keep', '3', '--verify'], {
      env: { PATH: process.env.PATH, NODE_ENV: 'test', DATABASE_PATH: world.dbPath },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
  await new Promise((resolve) => setTimeout(resolve, 100));
  writer.kill('SIGTERM');
  assert.is(await exited, 0, 'the writer ran throughout');
  const after = count();
  assert.is(backup.code, 0, backup.stderr);
  const report = JSON.parse(backup.stdout);
  assert.match(report.path, /svet-\d{8}T\d{6}Z\.db$/);
  assert.is(report.verified, `schema ${latestSchemaVersion()}, integrity ok`);
  world.backup = report.path;

  const snapshot = digests(world.backup);
  assert.ok(snapshot.ledger.rows > before && snapshot.ledger.rows < after, `writes went on during the backup: ${before} < ${snapshot.ledger.rows} < ${after}`);
  assert.is(snapshot.unbalanced, 0, 'no transaction is half in the backup');
  assert.is(snapshot.audit.rows, snapshot.ledger.rows, 'the two tables written together are at the same point');
  assert.equal(readdirSync(join(world.dir, 'backups')).filter((name) => name.endsWith('.partial')), []);
});

test('npm run restore into a new file: the same rows, byte for byte', (world) => {
  const target = join(world.dir, 'restored', 'svet.db');
  const result = runScript('scripts/restore.ts', ['--from', world.backup, '--to', target], {});
  assert.is(result.status, 0, result.stderr);
  assert.match(result.stdout, /Восстановлено/);
  assert.equal(digests(target), digests(world.backup));
  const check = checkBackup(target);
  assert.equal(check, { ok: true, schemaVersion: latestSchemaVersion() });
  // The restored file opens as the app opens it.
  openDatabase(target).close();
});

test('restore over an existing stopped database keeps the replaced file', (world) => {
  const target = join(world.dir, 'replace', 'svet.db');
  const first = runScript('scripts/restore.ts', ['--from', world.backup, '--to', target], {});
  assert.is(first.status, 0, first.stderr);
  const second = runScript('scripts/restore.ts', ['--from', world.backup, '--to', target], {});
  assert.is(second.status, 0, second.stderr);
  assert.match(second.stdout, /прежний файл сохранён как .*svet\.db\.before-restore-/);
  assert.ok(readdirSync(join(world.dir, 'replace')).some((name) => name.startsWith('svet.db.before-restore-')));
});

test('restore refuses a database that is open (the server running)', (world) => {
  const before = digests(world.dbPath);
  const result = runScript('scripts/restore.ts', ['--from', world.backup, '--to', world.dbPath], {});
  assert.is(result.status, 1);
  assert.match(result.stderr, /in use: stop the server/);
  assert.equal(digests(world.dbPath), before, 'nothing replaced');
});

test('restore refuses a damaged backup and a newer schema, before touching the target', (world) => {
  const target = join(world.dir, 'restored', 'svet.db');
  const before = digests(target);

  const damaged = join(world.dir, 'damaged.db');
  copyFileSync(world.backup, damaged);
  const fd = openSync(damaged, 'r+');
  const pageSize = 4096;
  for (let page = 2; page < 12; page++) writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, page * pageSize);
  closeSync(fd);
  const broken = runScript('scripts/restore.ts', ['--from', damaged, '--to', target], {});
  assert.is(broken.status, 1);
  assert.match(broken.stderr, /not usable/);

  const newer = join(world.dir, 'newer.db');
  copyFileSync(world.backup, newer);
  const db = new Database(newer);
  db.pragma(`user_version = ${latestSchemaVersion() + 1}`);
  db.close();
  const ahead = runScript('scripts/restore.ts', ['--from', newer, '--to', target], {});
  assert.is(ahead.status, 1);
  assert.match(ahead.stderr, /newer than this code/);
  assert.equal(digests(target), before, 'the target is as it was');
  assert.not.ok(existsSync(`${target}.restoring`));
});

test('retention keeps the newest BACKUP_KEEP backups', async (world) => {
  const dir = join(world.dir, 'rotation');
  const times = ['2026-11-01T02:00:00Z', '2026-11-02T02:00:00Z', '2026-11-03T02:00:00Z', '2026-11-04T02:00:00Z'];
  let removed: string[] = [];
  for (const at of times) removed = (await backupDatabase(world.dbPath, { dir, keep: 2, at: new Date(at) })).removed;
  assert.equal(readdirSync(dir).sort(), [backupFileName(new Date(times[2])), backupFileName(new Date(times[3]))]);
  assert.equal(removed, [join(dir, backupFileName(new Date(times[1])))]);
  assert.is(backupFileName(new Date('2026-11-28T02:15:00.123Z')), 'svet-20261128T021500Z.db');
});

test.run();
