// The background jobs (the outbox sender, the payment reconciler, retention) run in exactly one
// process on the database file: the holder of the 'background-jobs' lease. Every process asks
// for it each third of its term; the holder's ask renews it. When the holder dies its lease runs
// out and the next process to ask takes the jobs over; one that loses it stops them.
import { hostname } from 'node:os';
import type { Db } from '../../db/connection.ts';
import { getLeaseHolder, releaseLease, takeLease, takeLeaseFrom } from '../../db/ops/leases.ts';
import { bind } from '../platform/bind.ts';
import type { Clock } from '../platform/clock.ts';

export type BackgroundJob = { name: string; start(): void; stop(): Promise<void> | void };

type BackgroundDeps = { db: Db; clock: Clock; leaseSeconds: number; jobs: BackgroundJob[]; log(message: string, detail?: Record<string, unknown>): void };

type BackgroundContext = BackgroundDeps & {
  holder: string;
  state: { timer: NodeJS.Timeout | null; running: boolean; turn: Promise<void> };
};

const backgroundLease = 'background-jobs';

export type Background = ReturnType<typeof createBackground>;

export function createBackground(deps: BackgroundDeps) {
  const context: BackgroundContext = { ...deps, holder: `${hostname()}:${process.pid}`, state: { timer: null, running: false, turn: Promise.resolve() } };
  return bind(context, { start, stop });
}

/** Asks for the lease now and then every third of its term. */
function start(context: BackgroundContext): void {
  const { state } = context;
  if (state.timer) return;
  void ask(context);
  state.timer = setInterval(() => void ask(context), (context.leaseSeconds * 1000) / 3);
  state.timer.unref();
}

/** One ask at a time: starting or stopping the jobs finishes before the next ask decides. */
function ask(context: BackgroundContext): Promise<void> {
  const { state } = context;
  state.turn = state.turn.then(() => decide(context));
  return state.turn;
}

async function decide(context: BackgroundContext): Promise<void> {
  const { db, clock, holder, leaseSeconds, state } = context;
  let ours: boolean;
  try {
    const now = clock.now();
    ours = takeLease(db, backgroundLease, holder, now, now + leaseSeconds * 1000) || takeFromDead(context, now + leaseSeconds * 1000);
  } catch (error) {
    // The database busy past its timeout: ask again next time (the lease lasts two more asks).
    context.log('background jobs: the lease could not be asked for', { err: error });
    return;
  }
  if (ours && !state.running) {
    state.running = true;
    for (const job of context.jobs) job.start();
    context.log('background jobs started here', { holder, jobs: context.jobs.map((job) => job.name) });
  } else if (!ours && state.running) {
    await stopJobs(context);
    context.log('background jobs lost to another process', { holder });
  }
}

/**
 * A holder on this machine whose process is gone (killed, crashed) need not be waited out: the
 * lease moves at once, so a restarted server runs its jobs from its start.
 */
function takeFromDead({ db, holder }: BackgroundContext, untilMs: number): boolean {
  const current = getLeaseHolder(db, backgroundLease)?.holder;
  if (!current || !isDeadHere(current)) return false;
  return takeLeaseFrom(db, backgroundLease, current, holder, untilMs);
}

function isDeadHere(holder: string): boolean {
  const [host, pid] = [holder.slice(0, holder.lastIndexOf(':')), Number(holder.slice(holder.lastIndexOf(':') + 1))];
  if (host !== hostname() || !Number.isInteger(pid) || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

async function stopJobs(context: BackgroundContext): Promise<void> {
  context.state.running = false;
  await Promise.allSettled(context.jobs.map((job) => job.stop()));
}

/** Stops asking, stops the jobs if they run here, and frees the lease for another process. */
async function stop(context: BackgroundContext): Promise<void> {
  const { state } = context;
  if (state.timer) clearInterval(state.timer);
  state.timer = null;
  await state.turn;
  if (!state.running) return;
  await stopJobs(context);
  releaseLease(context.db, backgroundLease, context.holder);
}
