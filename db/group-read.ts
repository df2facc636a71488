// Grouped reads: the reads asked for in one turn of the event loop run together in one deferred
// read transaction, so the WAL read lock is taken once for all of them.
import type { Db } from './connection.ts';

export type GroupRead = {
  /** Runs `work` (reads only) in the next shared read transaction; resolves with its result. */
  run<T>(work: () => T): Promise<T>;
};

type Pending = { work: () => unknown; resolve: (value: unknown) => void; reject: (error: unknown) => void };

export function createGroupRead(db: Db): GroupRead {
  let queue: Pending[] = [];
  const runAll = db.transaction((batch: Pending[]) => {
    for (const item of batch) {
      try {
        item.resolve(item.work());
      } catch (error) {
        item.reject(error);
      }
    }
  });

  function flush(): void {
    const batch = queue;
    queue = [];
    try {
      runAll.deferred(batch);
    } catch (error) {
      for (const item of batch) item.reject(error);
    }
  }

  return {
    run<T>(work: () => T): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        if (queue.length === 0) setImmediate(flush);
        queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      });
    },
  };
}
