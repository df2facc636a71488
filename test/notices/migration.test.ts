// Migration 0012 on a database with users: those registered before never saw the reminders text,
// so theirs start off; debt notices stay on; a user registered after it gets reminders on.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { listMigrations, migrate, openDatabase } from '../../db/connection.ts';
import { seedAccount, seedUser } from '../helpers/fixtures.ts';

test('0012: existing users get reminders off, new ones on', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'svet-migration-'));
  const db = openDatabase(join(dir, 'svet.db'), { migrate: false });
  try {
    for (const migration of listMigrations().filter((m) => m.version < 12)) {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    }
    const before = await seedUser(db, seedAccount(db).id);
    migrate(db);
    assert.is(db.pragma('user_version', { simple: true }), listMigrations().at(-1)!.version, 'migrated to the latest');
    const after = await seedUser(db, seedAccount(db).id);
    const choices = (id: number) => db.prepare('SELECT reading_reminders, debt_notices FROM users WHERE id = ?').get(id);
    assert.equal(choices(before.userId), { reading_reminders: 0, debt_notices: 1 });
    assert.equal(choices(after.userId), { reading_reminders: 1, debt_notices: 1 });
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
