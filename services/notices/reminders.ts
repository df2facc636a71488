// Reading reminders: when the reading window opens, a letter to each account with a meter and no
// reading for the period yet; a second one two days before the window closes if still none came.
import { lastAcceptedReadings } from '../../db/billing/readings.ts';
import { listReminderRecipients, type ReminderRecipient } from '../../db/notices/notices.ts';
import { isPeriod, localDate, periodOf, type LocalDate, type ReadingWindow } from '../billing/periods.ts';
import { zoneNames } from '../billing/tariffs.ts';
import type { RenderedLetter } from '../platform/letters.ts';
import type { NoticesContext } from './notices.ts';
import { linkFor, queueNotices } from './queue.ts';

export type ReminderKind = 'reading-opened' | 'reading-closing';

export type ReminderReport = { period: string; kind: ReminderKind | null; queued: number; alreadyQueued: number };

/** The second letter goes this many days before the window's last day (or on its first day, if shorter). */
const closingDaysBefore = 2;

/** Which reminder a day calls for: none outside the window, the closing one from two days before its end. */
export function reminderDue(today: LocalDate, window: ReadingWindow): { period: string; kind: ReminderKind } | null {
  if (today.day < window.firstDay || today.day > window.lastDay) return null;
  const closingFrom = Math.max(window.firstDay, window.lastDay - closingDaysBefore);
  return { period: periodOf(today), kind: today.day >= closingFrom ? 'reading-closing' : 'reading-opened' };
}

/**
 * Sends the reminder today calls for, once per account, period and kind: the log table and the
 * outbox's dedupe key make a second run (the timer's next hour, the script by hand, a run after a
 * crash) skip what already went. `period`, when given, must be the one whose window is open.
 * Chunks commit on their own, so it runs beside the server.
 */
export async function sendReadingReminders(
  deps: NoticesContext,
  options: { today?: LocalDate; period?: string; chunk?: number; log?: (line: string) => void } = {},
): Promise<ReminderReport> {
  if (options.period !== undefined && !isPeriod(options.period)) throw new Error(`Not a period: ${options.period}`);
  const today = options.today ?? localDate(deps.clock.now(), deps.company.timeZone);
  const due = reminderDue(today, deps.company.readingWindow);
  if (!due || (options.period !== undefined && options.period !== due.period)) {
    return { period: options.period ?? periodOf(today), kind: null, queued: 0, alreadyQueued: 0 };
  }
  const report: ReminderReport = { ...due, queued: 0, alreadyQueued: 0 };
  let after = 0;
  for (;;) {
    const recipients = listReminderRecipients(deps.db, due.period, due.kind, after, options.chunk ?? 100);
    if (recipients.length === 0) break;
    after = recipients[recipients.length - 1].account_id;
    const items = await Promise.all(
      recipients.map(async (recipient) => {
        const unsubscribe = linkFor(deps, recipient, 'readings');
        return { recipient, unsubscribe, letter: await reminderLetter(deps, recipient, due, unsubscribe) };
      }),
    );
    queueNotices(deps, due, items, report);
    options.log?.(`${due.period} ${due.kind}: ${report.queued} в очереди писем, до счёта №${recipients[recipients.length - 1].number}`);
  }
  return report;
}

function reminderLetter(deps: NoticesContext, recipient: ReminderRecipient, due: { period: string; kind: ReminderKind }, unsubscribe: string): Promise<RenderedLetter> {
  const { db, company, baseUrl, format, letters } = deps;
  const names = zoneNames[recipient.zones];
  const readings = lastAcceptedReadings(db, recipient.account_id, recipient.meter_id, due.period).map((reading) => ({
    zone: names[reading.zone - 1] ?? `Зона ${reading.zone}`,
    value: format.integer(reading.value),
    date: format.date(reading.submitted_at),
  }));
  const lastDay = `${due.period}-${String(company.readingWindow.lastDay).padStart(2, '0')}`;
  return letters.readingReminder({
    closing: due.kind === 'reading-closing',
    accountNumber: recipient.number,
    period: format.period(due.period),
    lastDay: format.isoDate(lastDay),
    readings,
    readingsLink: `${baseUrl}/a/${recipient.link_id}/readings`,
    unsubscribeLink: unsubscribe,
  });
}
