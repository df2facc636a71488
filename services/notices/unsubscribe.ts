// The one-click unsubscribe of a notice letter: the link and its RFC 8058 headers, and what the
// link does — a confirm page (GET) and the switch-off (POST, from the page or a mail client).
import { getNoticeChoices, updateDebtNotices, updateReadingReminders, type NoticeList } from '../../db/notices/notices.ts';
import type { RequestContext } from '../auth/auth.ts';
import type { NoticesContext } from './notices.ts';
import { parseUnsubscribeToken, signatureFits, unsubscribeToken } from './unsubscribe-token.ts';

export type UnsubscribeTarget = { list: NoticeList; subscribed: boolean };

export function unsubscribeLink({ baseUrl, unsubscribeSecret }: NoticesContext, user: { id: number; created_at: number }, list: NoticeList): string {
  return `${baseUrl}/unsubscribe/${unsubscribeToken(unsubscribeSecret, user, list)}`;
}

/** RFC 2369 / RFC 8058: the mail client offers «Отписаться» and POSTs to the link itself. */
export function unsubscribeHeaders(link: string): Record<string, string> {
  return { 'List-Unsubscribe': `<${link}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
}

/** The user and list a token names, if its signature fits a user that still exists; else null. */
function verify({ db, unsubscribeSecret }: NoticesContext, token: string) {
  const parsed = parseUnsubscribeToken(token);
  const user = parsed ? getNoticeChoices(db, parsed.userId) : undefined;
  if (!parsed || !user || !signatureFits(unsubscribeSecret, user, parsed.list, parsed.mac)) return null;
  return { user, list: parsed.list };
}

/** What the confirm page shows: which notices the link switches off and whether they are on now. */
export function unsubscribeTarget(deps: NoticesContext, token: string): UnsubscribeTarget | null {
  const found = verify(deps, token);
  if (!found) return null;
  const on = found.list === 'readings' ? found.user.reading_reminders : found.user.debt_notices;
  return { list: found.list, subscribed: on === 1 };
}

/** Switches the notices off (again is harmless); false for a token that does not verify. */
export function unsubscribe(deps: NoticesContext, token: string, context: RequestContext): boolean {
  const found = verify(deps, token);
  if (!found) return false;
  if (found.list === 'readings') updateReadingReminders(deps.db, found.user.id, false);
  else updateDebtNotices(deps.db, found.user.id, false);
  deps.audit.record(context, { event: 'notices.unsubscribed', userId: found.user.id, detail: { list: found.list, by: 'link' } });
  return true;
}
