// Months in the company's time zone: the period of a moment, the current period, and the moment a period starts.
import { localDate, periodOf } from '../billing/periods.ts';
import type { HistoryContext } from './history.ts';

export function periodAt({ timeZone }: HistoryContext, seconds: number): string {
  return periodOf(localDate(seconds * 1000, timeZone));
}

export function currentPeriod({ clock, timeZone }: HistoryContext): string {
  return periodOf(localDate(clock.now(), timeZone));
}

/** The local date and time parts of a moment in the time zone, to work out its offset from UTC. */
export function offsetFormat(timeZone: string): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
}

/** Unix seconds of local midnight on the period's first day. */
export function monthStart(context: HistoryContext, period: string): number {
  const { monthStarts } = context.state;
  let seconds = monthStarts.get(period);
  if (seconds === undefined) {
    const [year, month] = period.split('-').map(Number);
    const utc = Date.UTC(year, month - 1, 1) / 1000;
    // Local time runs ahead of UTC by the offset; two steps settle on the right side of a DST change.
    seconds = utc - offsetAt(context, utc - offsetAt(context, utc));
    monthStarts.set(period, seconds);
  }
  return seconds;
}

function offsetAt({ offsetParts }: HistoryContext, seconds: number): number {
  const p = Object.fromEntries(offsetParts.formatToParts(new Date(seconds * 1000)).map((part) => [part.type, Number(part.value)]));
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) / 1000 - seconds;
}
