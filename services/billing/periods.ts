// Billing periods ('YYYY-MM') and the reading window, in the company's time zone.

export type LocalDate = { year: number; month: number; day: number };

const partsCache = new Map<string, Intl.DateTimeFormat>();

/** The last answer per time zone and its minute: a day starts on a minute, so within one the answer is the same. */
const lastAnswer = new Map<string, { minute: number; date: LocalDate }>();

export function localDate(ms: number, timeZone: string): LocalDate {
  const minute = Math.floor(ms / 60_000);
  const known = lastAnswer.get(timeZone);
  if (known && known.minute === minute) return { ...known.date };
  let format = partsCache.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    partsCache.set(timeZone, format);
  }
  const [year, month, day] = format.format(new Date(ms)).split('-').map(Number);
  lastAnswer.set(timeZone, { minute, date: { year, month, day } });
  return { year, month, day };
}

export function isoDay(date: LocalDate): string {
  return `${date.year}-${String(date.month).padStart(2, '0')}-${String(date.day).padStart(2, '0')}`;
}

export function periodOf(date: { year: number; month: number }): string {
  return `${date.year}-${String(date.month).padStart(2, '0')}`;
}

export function addMonths(period: string, months: number): string {
  const [year, month] = period.split('-').map(Number);
  const index = year * 12 + (month - 1) + months;
  return periodOf({ year: Math.floor(index / 12), month: (index % 12) + 1 });
}

export function monthsBetween(from: string, to: string): number {
  const [fy, fm] = from.split('-').map(Number);
  const [ty, tm] = to.split('-').map(Number);
  return (ty - fy) * 12 + (tm - fm);
}

export function isPeriod(text: string): boolean {
  return /^\d{4}-(0[1-9]|1[0-2])$/.test(text);
}

export type ReadingWindow = { firstDay: number; lastDay: number };

export type ReadingTiming = {
  /** The period a reading given today counts for. */
  period: string;
  /** Given before the window opened (counts for this month, marked early). */
  early: boolean;
  /** Given after the window closed (counts for next month). */
  late: boolean;
};

/** SPEC: day d of month M counts for M when d ≤ the window's last day, otherwise for M+1. */
export function readingTiming(today: LocalDate, window: ReadingWindow): ReadingTiming {
  const current = periodOf(today);
  if (today.day > window.lastDay) return { period: addMonths(current, 1), early: false, late: true };
  return { period: current, early: today.day < window.firstDay, late: false };
}
