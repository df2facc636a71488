// Online backups with SQLite's backup API, and a restore that checks a backup before it replaces
// anything. The backup copies every page in one step, inside one read transaction: a consistent
// snapshot that the server's writes (WAL) neither block nor restart.
import Database from 'better-sqlite3';
import { closeSync, copyFileSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { latestSchemaVersion } from '../../db/connection.ts';

export type BackupResult = { path: string; bytes: number; pages: number; ms: number; removed: string[] };

const backupName = /^svet-(\d{8}T\d{6}Z)\.db$/;

/** svet-20261128T021500Z.db: sorts by time, says UTC. */
export function backupFileName(at: Date): string {
  return `svet-${at.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z')}.db`;
}

function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export async function backupDatabase(sourcePath: string, options: { dir: string; keep: number; at?: Date }): Promise<BackupResult> {
  const started = Date.now();
  mkdirSync(options.dir, { recursive: true });
  const path = join(options.dir, backupFileName(options.at ?? new Date()));
  if (existsSync(path)) throw new Error(`${path} exists already`);
  const partial = `${path}.partial`;
  rmSync(partial, { force: true });
  // Read-only: a backup never writes the source (it may even be a file the app must not touch).
  const source = new Database(sourcePath, { fileMustExist: true, readonly: true });
  source.pragma('busy_timeout = 5000');
  let pages = 0;
  try {
    const progress = await source.backup(partial, { progress: ({ totalPages }) => ((pages = totalPages), 0x7fffffff) });
    pages = Math.max(pages, progress.totalPages);
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  } finally {
    source.close();
  }
  // The copy is a rollback-journal file: one file to ship, nothing beside it.
  const copy = new Database(partial);
  copy.pragma('journal_mode = DELETE');
  copy.close();
  fsyncPath(partial);
  renameSync(partial, path);
  fsyncPath(options.dir);
  return { path, bytes: statSync(path).size, pages, ms: Date.now() - started, removed: pruneBackups(options.dir, options.keep) };
}

/** Keeps the newest `keep` backups (by the time in their names); returns the removed paths. */
export function pruneBackups(dir: string, keep: number): string[] {
  const backups = readdirSync(dir).filter((name) => backupName.test(name)).sort().reverse();
  const removed = backups.slice(keep).map((name) => join(dir, name));
  for (const path of removed) rmSync(path, { force: true });
  return removed;
}

export type BackupCheck = { ok: true; schemaVersion: number } | { ok: false; reason: string };

/** PRAGMA integrity_check and a schema version this code can run (not newer, not empty). */
export function checkBackup(path: string): BackupCheck {
  if (!existsSync(path)) return { ok: false, reason: `${path} does not exist` };
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
  } catch (error) {
    return { ok: false, reason: `cannot open: ${(error as Error).message}` };
  }
  try {
    const problems = (db.pragma('integrity_check') as { integrity_check: string }[]).map((row) => row.integrity_check);
    if (problems.length !== 1 || problems[0] !== 'ok') return { ok: false, reason: `integrity_check: ${problems.slice(0, 5).join('; ')}` };
    const version = db.pragma('user_version', { simple: true }) as number;
    const latest = latestSchemaVersion();
    if (version === 0) return { ok: false, reason: 'not a Svet database (schema version 0)' };
    if (version > latest) return { ok: false, reason: `schema version ${version} is newer than this code (${latest})` };
    return { ok: true, schemaVersion: version };
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  } finally {
    db.close();
  }
}

/** Whether another connection (the server, a script) has the database open: it holds a lock we cannot take. */
export function databaseInUse(path: string): boolean {
  if (!existsSync(path)) return false;
  const db = new Database(path, { fileMustExist: true, timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
    db.exec('COMMIT');
    return false;
  } catch {
    return true;
  } finally {
    db.close();
  }
}

export type RestoreResult = { target: string; previous: string | null; schemaVersion: number };

/**
 * Replaces the database at `target` with a checked backup. The server must be stopped: a target
 * that any process has open is refused. The previous file (and a WAL a crash left beside it) is
 * kept under a `.before-restore-<time>` name, never deleted.
 */
export function restoreDatabase(backupPath: string, target: string, at: Date = new Date()): RestoreResult {
  const check = checkBackup(backupPath);
  if (!check.ok) throw new Error(`The backup is not usable: ${check.reason}`);
  if (databaseInUse(target)) throw new Error(`${target} is in use: stop the server (and any script) before restoring`);
  mkdirSync(dirname(target), { recursive: true });
  const incoming = `${target}.restoring`;
  copyFileSync(backupPath, incoming);
  fsyncPath(incoming);
  let previous: string | null = null;
  if (existsSync(target)) {
    previous = `${target}.before-restore-${backupFileName(at).replace(/^svet-|\.db$/g, '')}`;
    renameSync(target, previous);
    for (const suffix of ['-wal', '-shm']) if (existsSync(target + suffix)) renameSync(target + suffix, previous + suffix);
  }
  renameSync(incoming, target);
  fsyncPath(dirname(target));
  return { target, previous, schemaVersion: check.schemaVersion };
}
