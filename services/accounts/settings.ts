// Настройки: e-mail (confirmed by a code sent to the new address), phone, password, bill delivery,
// linked accounts, closing the cabinet, and the list of sessions.
import { getAccountById } from '../../db/accounts/accounts.ts';
import type { Db } from '../../db/connection.ts';
import { deleteAccountLink, updateAccountDelivery, updateUserPhone } from '../../db/accounts/settings.ts';
import { listUserLinks, type UserRow } from '../../db/auth/users.ts';
import { getNoticeChoices, updateDebtNotices, updateReadingReminders } from '../../db/notices/notices.ts';
import type { Audit } from '../ops/audit.ts';
import type { FieldErrors, RequestContext } from '../auth/auth.ts';
import { bind } from '../platform/bind.ts';
import { nowSeconds, type Clock } from '../platform/clock.ts';
import type { Letters } from '../platform/letters.ts';
import type { Mail } from '../platform/mail.ts';
import type { Sessions } from '../auth/sessions.ts';
import type { Throttle } from '../auth/throttle.ts';
import type { Uploads } from '../support/uploads.ts';
import { confirmEmailChange, pendingEmail, requestEmailChange } from './email-change.ts';
import { changePassword, closeCabinet } from './password.ts';
import { endAllSessions, endOneSession, endOtherSessions, sessionViews } from './session-list.ts';
import { settingsMessages } from './settings-messages.ts';

export { settingsMessages } from './settings-messages.ts';
export { maskEmail } from './email-change.ts';
export { describeDevice } from './session-list.ts';

export type SessionView = { current: boolean; publicId: string; device: string; ip: string; createdAt: number; lastSeenAt: number };

/** What the settings operations use. */
export type SettingsContext = {
  db: Db;
  clock: Clock;
  audit: Audit;
  throttle: Throttle;
  sessions: Sessions;
  mail: Mail;
  letters: Letters;
  uploads: Uploads;
};

export type AccountSettings = ReturnType<typeof createAccountSettings>;

export function createAccountSettings(deps: SettingsContext) {
  return bind(deps, {
    pendingEmail,
    requestEmailChange,
    confirmEmailChange,
    changePhone,
    changePassword,
    setDelivery,
    delivery,
    noticeChoices,
    setNoticeChoices,
    removeLink,
    closeCabinet,
    sessions: sessionViews,
    endOtherSessions,
    endOneSession,
    endAllSessions,
  });
}

function changePhone({ db, audit }: SettingsContext, user: UserRow, phone: string, context: RequestContext): void {
  updateUserPhone(db, user.id, phone);
  audit.record(context, { event: 'settings.phone_changed', userId: user.id });
}

/** Bill delivery of the primary account: by e-mail on/off, and refusing paper (dated). */
function setDelivery(
  { db, clock, audit }: SettingsContext,
  user: UserRow,
  input: { emailDelivery: boolean; paperRefused: boolean },
  context: RequestContext,
): { ok: true } | { ok: false; errors: FieldErrors } {
  if (input.paperRefused && !input.emailDelivery) return { ok: false, errors: { paperRefused: settingsMessages.paperNeedsEmail } };
  const account = getAccountById(db, user.account_id)!;
  const refusedAt = input.paperRefused ? (account.paper_refused_at ?? nowSeconds(clock)) : null;
  updateAccountDelivery(db, account.id, input.emailDelivery, refusedAt);
  audit.record(context, { event: 'settings.delivery', userId: user.id, accountId: account.id, detail: { email: input.emailDelivery, paperRefused: input.paperRefused } });
  return { ok: true };
}

function delivery({ db }: SettingsContext, user: UserRow): { emailDelivery: boolean; paperRefusedAt: number | null } {
  const account = getAccountById(db, user.account_id)!;
  return { emailDelivery: account.email_delivery === 1, paperRefusedAt: account.paper_refused_at };
}

type NoticeChoiceInput = { readingReminders: boolean; debtNotices: boolean };

/** The letters the user chose: reading reminders (on for new registrations) and debt notices (on). */
function noticeChoices({ db }: SettingsContext, user: UserRow): NoticeChoiceInput {
  const choices = getNoticeChoices(db, user.id);
  return { readingReminders: choices?.reading_reminders === 1, debtNotices: choices?.debt_notices === 1 };
}

function setNoticeChoices({ db, audit }: SettingsContext, user: UserRow, input: NoticeChoiceInput, context: RequestContext): void {
  db.transaction(() => {
    updateReadingReminders(db, user.id, input.readingReminders);
    updateDebtNotices(db, user.id, input.debtNotices);
  })();
  audit.record(context, { event: 'settings.notices', userId: user.id, detail: input });
}

/** Removes an additional account's link; the account and its billing data stay. */
function removeLink({ db, audit }: SettingsContext, user: UserRow, linkId: number, context: RequestContext): boolean {
  const link = listUserLinks(db, user.id).find((l) => l.id === linkId && !l.is_primary);
  if (!link || !deleteAccountLink(db, user.id, linkId)) return false;
  audit.record(context, { event: 'settings.link_removed', userId: user.id, accountId: link.account_id });
  return true;
}
