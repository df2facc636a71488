// Grouped reads: the reads asked for in one turn of the event loop run together in one deferred
// read transaction, so the WAL read lock is taken once for all of them.
import type { Db } from './connection.ts';
import { perTurn, type Pending } from './per-turn.ts';

export type GroupRead = {
  /** Runs `work` (reads only) in the next shared read transaction; resolves with its result. */
  run<T>(work: () => T): Promise<T>;
};

export function createGroupRead(db: Db): GroupRead {
  const runAll = db.transaction((batch: Pending[]) => {
    for (const item of batch) {
      try {
        item.resolve(item.work());
      } catch (error) {
        item.reject(error);
      }
    }
  });

  return {
    run: perTurn((batch) => {
      try {
        runAll.deferred(batch);
      } catch (error) {
        for (const item of batch) item.reject(error);
      }
    }),
  };
}
