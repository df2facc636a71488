// Notices by e-mail: reading reminders on a timer (run by the holder of the background jobs) and
// by `npm run send-reminders`, debt notices after the monthly close (`npm run close-period`), and
// the one-click unsubscribe of every such letter.
import type { Db } from '../../db/connection.ts';
import type { Audit } from '../ops/audit.ts';
import { bind } from '../platform/bind.ts';
import type { Clock } from '../platform/clock.ts';
import type { Company } from '../platform/config.ts';
import type { Formatter } from '../platform/format.ts';
import type { Letters } from '../platform/letters.ts';
import type { Mail } from '../platform/mail.ts';
import { sendDebtNotices } from './debt.ts';
import { sendReadingReminders } from './reminders.ts';
import { unsubscribe, unsubscribeTarget } from './unsubscribe.ts';

export type NoticesContext = {
  db: Db;
  clock: Clock;
  company: Company;
  baseUrl: string;
  unsubscribeSecret: string;
  mail: Mail;
  letters: Letters;
  format: Formatter;
  audit: Audit;
  state: { timer: NodeJS.Timeout | null; run: Promise<unknown> | null };
};

export type Notices = ReturnType<typeof createNotices>;

/** Letters are not sent at night: the timer's hourly look acts from this hour (company time). */
const sendFromHour = 9;

export function createNotices(deps: Omit<NoticesContext, 'state'>) {
  const context: NoticesContext = { ...deps, state: { timer: null, run: null } };
  return bind(context, { sendReadingReminders, sendDebtNotices, unsubscribe, unsubscribeTarget, tick, startTimer, stop });
}

function localHour(ms: number, timeZone: string): number {
  return Number(new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', hourCycle: 'h23' }).format(new Date(ms)));
}

/** One look of the timer: sends what today calls for (nothing twice), unless a look is still running. */
async function tick(context: NoticesContext): Promise<void> {
  const { state, clock, company } = context;
  if (state.run || localHour(clock.now(), company.timeZone) < sendFromHour) return;
  state.run = sendReadingReminders(context);
  try {
    await state.run;
  } finally {
    state.run = null;
  }
}

/** Looks every hour: the log makes it once a day in effect, and a server down at 9:00 catches up. */
function startTimer(context: NoticesContext, intervalMs = 3_600_000, onError: (error: unknown) => void = () => {}): void {
  if (context.state.timer) return;
  context.state.timer = setInterval(() => void tick(context).catch(onError), intervalMs);
  context.state.timer.unref();
}

/** Stops the timer; resolves when a look in progress ends. */
async function stop({ state }: NoticesContext): Promise<void> {
  if (state.timer) clearInterval(state.timer);
  state.timer = null;
  await state.run?.catch(() => {});
}
