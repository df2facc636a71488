// Group commit: the write transactions asked for in one turn of the event loop share one
// BEGIN IMMEDIATE … COMMIT, so under load many submissions cost one fsync (synchronous=FULL)
// instead of one each. Each piece of work runs in its own SAVEPOINT (better-sqlite3 makes a
// db.transaction() called inside an open transaction a savepoint), so one that throws is undone
// alone; the others commit together, and every caller hears of its outcome only after the COMMIT.
import type { Db } from './connection.ts';
import { perTurn, type Pending } from './per-turn.ts';

export type GroupCommit = {
  /** Runs `work` in the next shared transaction; resolves with its result once that has committed. */
  run<T>(work: () => T): Promise<T>;
};

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

export function createGroupCommit(db: Db): GroupCommit {
  function runAll(batch: Pending[]): Outcome[] {
    return db.transaction(() =>
      batch.map((item): Outcome => {
        try {
          return { ok: true, value: db.transaction(item.work)() };
        } catch (error) {
          // An error SQLite answers by rolling back the whole transaction (I/O, disk full) takes the
          // batch's earlier work with it: then the batch fails as one.
          if (!db.inTransaction) throw error;
          return { ok: false, error };
        }
      }),
    )();
  }

  function flush(batch: Pending[]): void {
    let outcomes: Outcome[];
    try {
      outcomes = runAll(batch);
    } catch (error) {
      for (const item of batch) item.reject(error);
      return;
    }
    batch.forEach((item, i) => {
      const outcome = outcomes[i];
      if (outcome.ok) item.resolve(outcome.value);
      else item.reject(outcome.error);
    });
  }

  return { run: perTurn(flush) };
}
