// Several reads as one read transaction. Outside a transaction every statement takes and drops
// the WAL read lock by itself (an fcntl to lock, an fstat, an fcntl to unlock: about 6 µs of
// system calls on this machine, most of a keyed lookup's cost); inside one they take it once, and
// they all read the same snapshot. For reads only: a write inside would have to upgrade the read
// lock, which another process's commit in between makes fail at once (SQLITE_BUSY_SNAPSHOT).
import type { Db } from './connection.ts';
import { prepared } from './prepared.ts';

export function readTogether<T>(db: Db, read: () => T): T {
  if (db.inTransaction) return read();
  prepared(db, 'BEGIN DEFERRED').run();
  try {
    return read();
  } finally {
    if (db.inTransaction) prepared(db, 'COMMIT').run();
  }
}
