// The queue under the group commit and the grouped reads: the work asked for in one turn of the
// event loop is handed over together, in a setImmediate, to a flush that answers each caller.
export type Pending = { work: () => unknown; resolve: (value: unknown) => void; reject: (error: unknown) => void };

/** `run(work)` queues work for this turn's batch; `flush` gets the batch and settles every item. */
export function perTurn(flush: (batch: Pending[]) => void): <T>(work: () => T) => Promise<T> {
  let queue: Pending[] = [];
  function next(): void {
    const batch = queue;
    queue = [];
    flush(batch);
  }
  return <T>(work: () => T) =>
    new Promise<T>((resolve, reject) => {
      if (queue.length === 0) setImmediate(next);
      queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
    });
}
