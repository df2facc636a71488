// Writing a chunk of notices: each letter to the outbox with its one-click unsubscribe headers and
// a dedupe key, and its row in notice_mailings, all in one transaction, so a notice goes once per
// account, period and kind however often the job runs.
import { insertNoticeMailing, type NoticeKind, type NoticeList, type NoticeRecipient } from '../../db/notices/notices.ts';
import { nowSeconds } from '../platform/clock.ts';
import type { RenderedLetter } from '../platform/letters.ts';
import type { NoticesContext } from './notices.ts';
import { unsubscribeHeaders, unsubscribeLink } from './unsubscribe.ts';

export type QueueCounts = { queued: number; alreadyQueued: number };

/** A recipient's unsubscribe link for the list: put in the letter and in its List-Unsubscribe header. */
export function linkFor(deps: NoticesContext, recipient: NoticeRecipient, list: NoticeList): string {
  return unsubscribeLink(deps, { id: recipient.user_id, created_at: recipient.user_created_at }, list);
}

export function queueNotices(
  deps: NoticesContext,
  notice: { period: string; kind: NoticeKind },
  items: { recipient: NoticeRecipient; letter: RenderedLetter; unsubscribe: string }[],
  counts: QueueCounts,
): void {
  const { db, mail, clock } = deps;
  db.transaction(() => {
    for (const { recipient, letter, unsubscribe } of items) {
      const outboxId = mail.enqueue({
        kind: notice.kind,
        to: recipient.email,
        ...letter,
        headers: unsubscribeHeaders(unsubscribe),
        dedupeKey: `notice:${notice.kind}:${recipient.number}:${notice.period}`,
      });
      if (outboxId === null) counts.alreadyQueued++;
      else counts.queued++;
      insertNoticeMailing(db, { account_id: recipient.account_id, period: notice.period, kind: notice.kind, outbox_id: outboxId, to_address: recipient.email, created_at: nowSeconds(clock) });
    }
  })();
}
