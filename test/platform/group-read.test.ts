// Grouped reads (db/group-read.ts) on a real SQLite file: the reads asked for in one turn of the
// event loop run in one read transaction (one snapshot, one read lock), a read that throws fails
// alone, the next turn reads afresh, and callers continue outside the transaction.
import Database from 'better-sqlite3';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { withNotesFile } from '../helpers/notes-file.ts';
import type { Db } from '../../db/connection.ts';
import { createGroupRead } from '../../db/group-read.ts';


/** One note in the file, and a second connection that writes. */
const oneNote = { other: 'writer', seed: "INSERT INTO notes (text) VALUES ('first')" } as const;

const countOf = (db: Db) => (db.prepare('SELECT count(*) AS n FROM notes').get() as { n: number }).n;
const add = (writer: Database.Database) => writer.prepare("INSERT INTO notes (text) VALUES ('more')").run();

test(
  'reads asked for in one turn share one transaction and its snapshot',
  withNotesFile(oneNote, async (db, writer) => {
    const reads = createGroupRead(db);
    const inside: boolean[] = [];
    const counts = await Promise.all([
      reads.run(() => {
        inside.push(db.inTransaction);
        const n = countOf(db);
        add(writer); // another connection commits between this read and the next
        return n;
      }),
      reads.run(() => {
        inside.push(db.inTransaction);
        return countOf(db);
      }),
    ]);
    assert.equal(inside, [true, true]);
    assert.equal(counts, [1, 1], 'the second read sees the snapshot the first one began');
    assert.is(await reads.run(() => countOf(db)), 2, 'the next turn reads afresh');
  }),
);

test(
  'a read that throws fails alone; the others of its turn answer',
  withNotesFile(oneNote, async (db) => {
    const reads = createGroupRead(db);
    const outcomes = await Promise.allSettled([
      reads.run(() => countOf(db)),
      reads.run(() => db.prepare('SELECT * FROM no_such_table').get()),
      reads.run(() => countOf(db)),
    ]);
    assert.equal(outcomes.map((outcome) => outcome.status), ['fulfilled', 'rejected', 'fulfilled']);
    assert.match(String((outcomes[1] as PromiseRejectedResult).reason), /no such table/);
    assert.is(db.inTransaction, false);
  }),
);

test(
  'a caller continues outside the transaction, so it may write on its own',
  withNotesFile(oneNote, async (db, writer) => {
    const reads = createGroupRead(db);
    const n = await reads.run(() => countOf(db));
    assert.is(db.inTransaction, false);
    db.prepare("INSERT INTO notes (text) VALUES ('after')").run();
    add(writer);
    assert.is(countOf(db), n + 2);
  }),
);

test.run();
