// Debt notices: after the monthly close of a period, a letter to each customer with bills by
// e-mail who owes more than the charges not yet due, with that overdue amount and a link to pay;
// once per account and period, however often it runs.
import { listDebtCandidates, type DebtCandidate } from '../../db/notices/notices.ts';
import { isoDay, isPeriod, localDate } from '../billing/periods.ts';
import type { RenderedLetter } from '../platform/letters.ts';
import type { NoticesContext } from './notices.ts';
import { linkFor, queueNotices } from './queue.ts';

export type DebtReport = { period: string; queued: number; alreadyQueued: number };

/**
 * Sends the period's debt notices: the log table and the outbox's dedupe key make a second run
 * skip what already went. Chunks commit on their own, so it runs beside the server.
 */
export async function sendDebtNotices(deps: NoticesContext, period: string, options: { chunk?: number; log?: (line: string) => void } = {}): Promise<DebtReport> {
  if (!isPeriod(period)) throw new Error(`Not a period: ${period}`);
  const today = isoDay(localDate(deps.clock.now(), deps.company.timeZone));
  const report: DebtReport = { period, queued: 0, alreadyQueued: 0 };
  let after = 0;
  for (;;) {
    const candidates = listDebtCandidates(deps.db, period, today, after, options.chunk ?? 100);
    if (candidates.length === 0) break;
    after = candidates[candidates.length - 1].account_id;
    const overdue = candidates.filter((c) => c.balance_kopecks > c.not_due_kopecks);
    const items = await Promise.all(
      overdue.map(async (recipient) => {
        const unsubscribe = linkFor(deps, recipient, 'debt');
        return { recipient, unsubscribe, letter: await debtLetter(deps, recipient, period, unsubscribe) };
      }),
    );
    queueNotices(deps, { period, kind: 'debt' }, items, report);
    options.log?.(`${period} долг: ${report.queued} в очереди писем, до счёта №${candidates[candidates.length - 1].number}`);
  }
  return report;
}

function debtLetter(deps: NoticesContext, recipient: DebtCandidate, period: string, unsubscribe: string): Promise<RenderedLetter> {
  const { baseUrl, format, letters } = deps;
  return letters.debtNotice({
    accountNumber: recipient.number,
    period: format.period(period),
    overdue: format.money(recipient.balance_kopecks - recipient.not_due_kopecks),
    balance: format.money(recipient.balance_kopecks),
    payLink: `${baseUrl}/a/${recipient.link_id}/pay`,
    unsubscribeLink: unsubscribe,
  });
}
