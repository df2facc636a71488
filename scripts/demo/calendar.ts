// Dates of the demo history: periods 'YYYY-MM', days 'YYYY-MM-DD' and local midnights in unix seconds.
export function addMonths(period: string, months: number): string {
  const [year, month] = period.split('-').map(Number);
  const index = year * 12 + (month - 1) + months;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

export function dayOf(period: string, day: number): string {
  return `${period}-${String(day).padStart(2, '0')}`;
}

export function addDays(day: string, days: number): string {
  const [year, month, date] = day.split('-').map(Number);
  return new Date(Date.UTC(year, month - 1, date + days)).toISOString().slice(0, 10);
}

/** Today in the time zone, 'YYYY-MM-DD'. */
export function localDay(epochMs: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(epochMs));
}

/** Unix seconds of local midnights, cached: the history has only a few thousand distinct days. */
export function midnightsIn(timeZone: string): (day: string) => number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
  });
  const offsetAt = (seconds: number): number => {
    const p = Object.fromEntries(parts.formatToParts(new Date(seconds * 1000)).map((part) => [part.type, Number(part.value)]));
    return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) / 1000 - seconds;
  };
  const cache = new Map<string, number>();
  return (day) => {
    let seconds = cache.get(day);
    if (seconds === undefined) {
      const [year, month, date] = day.split('-').map(Number);
      const utc = Date.UTC(year, month - 1, date) / 1000;
      seconds = utc - offsetAt(utc - offsetAt(utc));
      cache.set(day, seconds);
    }
    return seconds;
  };
}
