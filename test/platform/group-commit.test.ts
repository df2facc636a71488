// The group commit (db/group-commit.ts) on a real SQLite file: the work asked for in one turn of
// the event loop runs in one transaction, a piece that throws is undone alone, and a caller hears
// of its result only once another connection can read it.
import Database from 'better-sqlite3';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { withNotesFile } from '../helpers/notes-file.ts';
import type { Db } from '../../db/connection.ts';
import { createGroupCommit } from '../../db/group-commit.ts';


const insert = (db: Db, text: string) => () =>
  db.transaction(() => Number(db.prepare('INSERT INTO notes (text) VALUES (?)').run(text).lastInsertRowid))();
const countOf = (reader: Database.Database) => (reader.prepare('SELECT count(*) AS n FROM notes').get() as { n: number }).n;

test(
  'work asked for in one turn shares one transaction: nothing is visible to another connection before the commit',
  withNotesFile({ other: 'reader' }, async (db, reader) => {
    const commits = createGroupCommit(db);
    const seenByReader: number[] = [];
    const seenInside: number[] = [];
    const runs = ['a', 'b', 'c'].map((text) =>
      commits.run(() => {
        seenByReader.push(countOf(reader));
        seenInside.push((db.prepare('SELECT count(*) AS n FROM notes').get() as { n: number }).n);
        return insert(db, text)();
      }),
    );
    assert.equal(countOf(reader), 0, 'nothing runs before the turn ends');
    const ids = await Promise.all(runs);
    assert.equal(ids, [1, 2, 3]);
    assert.equal(seenInside, [0, 1, 2], 'each piece sees the ones before it');
    assert.equal(seenByReader, [0, 0, 0], 'another connection sees none of them until the one commit');
    assert.equal(countOf(reader), 3);
  }),
);

test(
  'a piece that throws is undone alone and its caller gets the error; the others commit',
  withNotesFile({ other: 'reader' }, async (db, reader) => {
    const commits = createGroupCommit(db);
    const failing = () =>
      db.transaction(() => {
        db.prepare('INSERT INTO notes (text) VALUES (?)').run('undone');
        throw new Error('refused');
      })();
    const outcomes = await Promise.allSettled([commits.run(insert(db, 'kept 1')), commits.run(failing), commits.run(insert(db, 'kept 2'))]);
    assert.equal(outcomes.map((o) => o.status), ['fulfilled', 'rejected', 'fulfilled']);
    assert.equal((outcomes[1] as PromiseRejectedResult).reason.message, 'refused');
    assert.equal(reader.prepare('SELECT text FROM notes ORDER BY id').pluck().all(), ['kept 1', 'kept 2']);
  }),
);

test(
  'a caller resolves after the commit: its row is readable from another connection in the callback',
  withNotesFile({ other: 'reader' }, async (db, reader) => {
    const commits = createGroupCommit(db);
    const visible = await commits.run(insert(db, 'one')).then(() => countOf(reader));
    assert.equal(visible, 1);
    assert.is(db.inTransaction, false);
  }),
);

test(
  'when the shared transaction cannot begin (another writer holds the lock), every caller gets the error and nothing is written',
  withNotesFile({ other: 'reader' }, async (db, reader) => {
    db.pragma('busy_timeout = 0');
    const commits = createGroupCommit(db);
    const other = new Database(db.name);
    other.exec('BEGIN IMMEDIATE');
    try {
      const outcomes = await Promise.allSettled([commits.run(insert(db, 'x')), commits.run(insert(db, 'y'))]);
      assert.equal(outcomes.map((o) => o.status), ['rejected', 'rejected']);
      assert.match(String((outcomes[0] as PromiseRejectedResult).reason), /locked|busy/i);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    assert.equal(countOf(reader), 0);
    assert.equal(await commits.run(insert(db, 'later')), 1, 'the next turn works again');
  }),
);

test.run();
