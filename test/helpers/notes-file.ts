// A real SQLite file with one small table, opened as the app opens it, plus a second connection
// to the same file (read-only or not), for the tests of the group commit and the grouped reads.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Db } from '../../db/connection.ts';

export function withNotesFile(
  setup: { other: 'reader' | 'writer'; seed?: string },
  run: (db: Db, other: Database.Database) => Promise<void>,
): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'svet-notes-'));
    const db = openDatabase(join(dir, 'svet.db'), { migrate: false });
    db.exec(`CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL); ${setup.seed ?? ''}`);
    const other = new Database(join(dir, 'svet.db'), { readonly: setup.other === 'reader' });
    try {
      await run(db, other);
    } finally {
      other.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  };
}
