// Настройки: e-mail (confirmed by a code sent to the new address), phone, password, bill delivery,
// linked accounts, closing the cabinet, and the list of sessions.
import { getAccountById } from '../../db/accounts/accounts.ts';
import { countCodeAttempt, getLiveCode, insertCode, markCodeUsed, voidCodes } from '../../db/auth/codes.ts';
import type { Db } from '../../db/connection.ts';
import {
  deleteAccountLink,
  deleteOtherSessions,
  deleteUser,
  emailUsedByOtherUser,
  listUserSessions,
  updateAccountDelivery,
  updateUserEmail,
  updateUserPhone,
} from '../../db/accounts/settings.ts';
import { deleteUserRequests, listUserAttachmentNames } from '../../db/support/support.ts';
import { getUserById, listUserLinks, updateUserPassword, type UserRow } from '../../db/auth/users.ts';
import type { Audit } from '../ops/audit.ts';
import type { FieldErrors, RequestContext } from '../auth/auth.ts';
import { nowSeconds, type Clock } from '../platform/clock.ts';
import type { Letters } from '../platform/letters.ts';
import type { Mail } from '../platform/mail.ts';
import { hashPassword, verifyPassword } from '../auth/passwords.ts';
import type { Sessions } from '../auth/sessions.ts';
import { limits, retryMessage, type Throttle } from '../auth/throttle.ts';
import { constantTimeEqual, hashSecret, randomDigits } from '../platform/tokens.ts';
import type { Uploads } from '../support/uploads.ts';

const emailCodeTtl = 15 * 60;
const maxCodeAttempts = 5;

export const settingsMessages = {
  emailInUse: 'Этот адрес уже указан в другом личном кабинете. Укажите другой адрес электронной почты.',
  sameEmail: 'Это ваш текущий адрес. Укажите новый.',
  badCode: 'Неверный или просроченный код. Запросите новый.',
  noPendingChange: 'Нет запроса на смену адреса: сначала укажите новый адрес.',
  wrongPassword: 'Неверный пароль.',
  samePassword: 'Новый пароль совпадает с текущим.',
  paperNeedsEmail: 'Отказаться от бумажного счёта можно, только если счёт приходит на электронную почту.',
} as const;

export type SessionView = { current: boolean; device: string; ip: string; createdAt: number; lastSeenAt: number };

export type AccountSettings = ReturnType<typeof createAccountSettings>;

export function createAccountSettings(deps: {
  db: Db;
  clock: Clock;
  audit: Audit;
  throttle: Throttle;
  sessions: Sessions;
  mail: Mail;
  letters: Letters;
  uploads: Uploads;
}) {
  const { db, clock, audit, throttle, sessions, mail, letters, uploads } = deps;

  function limited(key: string, limit: { max: number; windowSeconds: number }): string | null {
    const verdict = throttle.check(key, limit);
    if (!verdict.allowed) return retryMessage(verdict.retryAfterSeconds);
    throttle.hit(key);
    return null;
  }

  function pendingEmail(userId: number): { email: string; expiresAt: number } | null {
    const row = getLiveCode(db, userId, 'email_change');
    if (!row || row.expires_at <= nowSeconds(clock) || row.attempts >= maxCodeAttempts || !row.payload) return null;
    return { email: row.payload, expiresAt: row.expires_at };
  }

  return {
    pendingEmail,

    /** Sends an 8-digit code to the new address; the address on file stays until the code comes back. */
    async requestEmailChange(user: UserRow, email: string, context: RequestContext): Promise<{ ok: true } | { ok: false; errors: FieldErrors }> {
      if (email.toLowerCase() === user.email.toLowerCase()) return { ok: false, errors: { email: settingsMessages.sameEmail } };
      if (emailUsedByOtherUser(db, user.id, email)) {
        audit.record(context, { event: 'settings.email_in_use', userId: user.id });
        return { ok: false, errors: { email: settingsMessages.emailInUse } };
      }
      const throttled = limited(`mail:user:${user.id}`, limits.mailPerAccount) ?? limited(`mail:ip:${context.ip}`, limits.mailPerIp);
      if (throttled) return { ok: false, errors: { email: throttled } };
      const code = randomDigits(8);
      const now = nowSeconds(clock);
      const letter = await letters.emailChangeCode({ code, minutes: emailCodeTtl / 60 });
      db.transaction(() => {
        voidCodes(db, user.id, 'email_change', now);
        insertCode(db, {
          user_id: user.id,
          purpose: 'email_change',
          code_hash: hashSecret(`${user.id}:${code}`),
          link_hash: null,
          payload: email,
          created_at: now,
          expires_at: now + emailCodeTtl,
        });
        mail.enqueue({ kind: 'email_change_code', to: email, ...letter });
      })();
      audit.record(context, { event: 'settings.email_change_requested', userId: user.id });
      return { ok: true };
    },

    /** The typed code switches the address; the old one is told. */
    async confirmEmailChange(user: UserRow, code: string, context: RequestContext): Promise<{ ok: true } | { ok: false; errors: FieldErrors }> {
      const throttled = limited(`code:user:${user.id}`, limits.codeCheckPerAccount) ?? limited(`code:ip:${context.ip}`, limits.codeCheckPerIp);
      if (throttled) return { ok: false, errors: { code: throttled } };
      const row = getLiveCode(db, user.id, 'email_change');
      const now = nowSeconds(clock);
      if (!row || !row.payload) return { ok: false, errors: { code: settingsMessages.noPendingChange } };
      const attempts = row.expires_at > now ? countCodeAttempt(db, row.id) : Infinity;
      if (attempts > maxCodeAttempts || !constantTimeEqual(row.code_hash, hashSecret(`${user.id}:${code}`))) {
        audit.record(context, { event: 'settings.email_bad_code', userId: user.id });
        return { ok: false, errors: { code: settingsMessages.badCode } };
      }
      const newEmail = row.payload;
      // Checked again: another cabinet may have taken the address while the code travelled.
      if (emailUsedByOtherUser(db, user.id, newEmail)) return { ok: false, errors: { code: settingsMessages.emailInUse } };
      const notice = await letters.emailChanged({ newEmail: maskEmail(newEmail) });
      const done = db.transaction(() => {
        if (!markCodeUsed(db, row.id, now)) return false;
        updateUserEmail(db, user.id, newEmail);
        mail.enqueue({ kind: 'email_changed', to: user.email, ...notice });
        return true;
      })();
      if (!done) return { ok: false, errors: { code: settingsMessages.badCode } };
      audit.record(context, { event: 'settings.email_changed', userId: user.id });
      return { ok: true };
    },

    changePhone(user: UserRow, phone: string, context: RequestContext): void {
      updateUserPhone(db, user.id, phone);
      audit.record(context, { event: 'settings.phone_changed', userId: user.id });
    },

    /** Checks the current password, ends every session and opens a new one: returns its token. */
    async changePassword(
      user: UserRow,
      input: { current: string; password: string },
      context: RequestContext,
    ): Promise<{ ok: true; token: string } | { ok: false; errors: FieldErrors }> {
      const throttled = limited(`password:user:${user.id}`, limits.loginPerAccount);
      if (throttled) return { ok: false, errors: { current: throttled } };
      const fresh = getUserById(db, user.id)!;
      if (!(await verifyPassword(fresh.password_hash, input.current))) {
        audit.record(context, { event: 'settings.password_wrong', userId: user.id });
        return { ok: false, errors: { current: settingsMessages.wrongPassword } };
      }
      if (input.current === input.password) return { ok: false, errors: { password: settingsMessages.samePassword } };
      const passwordHash = await hashPassword(input.password);
      const token = db.transaction(() => {
        updateUserPassword(db, user.id, passwordHash, nowSeconds(clock));
        sessions.endAllForUser(user.id);
        return sessions.create(user.id, context);
      })();
      throttle.reset(`password:user:${user.id}`);
      audit.record(context, { event: 'settings.password_changed', userId: user.id });
      return { ok: true, token };
    },

    /** Bill delivery of the primary account: by e-mail on/off, and refusing paper (dated). */
    setDelivery(user: UserRow, input: { emailDelivery: boolean; paperRefused: boolean }, context: RequestContext): { ok: true } | { ok: false; errors: FieldErrors } {
      if (input.paperRefused && !input.emailDelivery) return { ok: false, errors: { paperRefused: settingsMessages.paperNeedsEmail } };
      const account = getAccountById(db, user.account_id)!;
      const refusedAt = input.paperRefused ? (account.paper_refused_at ?? nowSeconds(clock)) : null;
      updateAccountDelivery(db, account.id, input.emailDelivery, refusedAt);
      audit.record(context, { event: 'settings.delivery', userId: user.id, accountId: account.id, detail: { email: input.emailDelivery, paperRefused: input.paperRefused } });
      return { ok: true };
    },

    delivery(user: UserRow): { emailDelivery: boolean; paperRefusedAt: number | null } {
      const account = getAccountById(db, user.account_id)!;
      return { emailDelivery: account.email_delivery === 1, paperRefusedAt: account.paper_refused_at };
    },

    /** Removes an additional account's link; the account and its billing data stay. */
    removeLink(user: UserRow, linkId: number, context: RequestContext): boolean {
      const link = listUserLinks(db, user.id).find((l) => l.id === linkId && !l.is_primary);
      if (!link || !deleteAccountLink(db, user.id, linkId)) return false;
      audit.record(context, { event: 'settings.link_removed', userId: user.id, accountId: link.account_id });
      return true;
    },

    /**
     * Closes the cabinet after the password: the user, links, sessions, codes and support requests
     * (with their files) are deleted; the billing side (account, readings, charges, payments) stays.
     */
    async closeCabinet(user: UserRow, password: string, context: RequestContext): Promise<{ ok: true } | { ok: false; errors: FieldErrors }> {
      const throttled = limited(`password:user:${user.id}`, limits.loginPerAccount);
      if (throttled) return { ok: false, errors: { password: throttled } };
      const fresh = getUserById(db, user.id)!;
      if (!(await verifyPassword(fresh.password_hash, password))) {
        audit.record(context, { event: 'settings.close_wrong_password', userId: user.id });
        return { ok: false, errors: { password: settingsMessages.wrongPassword } };
      }
      const files = listUserAttachmentNames(db, user.id);
      db.transaction(() => {
        deleteUserRequests(db, user.id);
        deleteUser(db, user.id);
      })();
      for (const name of files) uploads.remove(name);
      audit.record(context, { event: 'settings.cabinet_closed', userId: user.id, accountId: user.account_id, detail: { attachments: files.length } });
      return { ok: true };
    },

    sessions(userId: number, currentId: string): SessionView[] {
      return listUserSessions(db, userId).map((s) => ({
        current: s.id === currentId,
        device: describeDevice(s.user_agent),
        ip: s.ip,
        createdAt: s.created_at,
        lastSeenAt: s.last_seen_at,
      }));
    },

    endOtherSessions(userId: number, currentId: string, context: RequestContext): number {
      const ended = deleteOtherSessions(db, userId, currentId);
      audit.record(context, { event: 'settings.sessions_ended', userId, detail: { ended, keptCurrent: true } });
      return ended;
    },

    endAllSessions(userId: number, context: RequestContext): number {
      const ended = sessions.endAllForUser(userId);
      audit.record(context, { event: 'settings.sessions_ended', userId, detail: { ended, keptCurrent: false } });
      return ended;
    },
  };
}

/** «i***@example.ru»: enough for the owner to recognise, little for anyone else. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return '***';
  return `${email[0]}***${email.slice(at)}`;
}

/** «Chrome, Android» from a User-Agent; «Неизвестное устройство» when it says nothing useful. */
export function describeDevice(userAgent: string): string {
  const ua = userAgent ?? '';
  const browser =
    /YaBrowser\//.test(ua) ? 'Яндекс Браузер'
    : /Edg(e|A|iOS)?\//.test(ua) ? 'Edge'
    : /OPR\/|Opera/.test(ua) ? 'Opera'
    : /Firefox\/|FxiOS\//.test(ua) ? 'Firefox'
    : /Chrome\/|CriOS\/|Chromium\//.test(ua) ? 'Chrome'
    : /Safari\//.test(ua) && /Version\//.test(ua) ? 'Safari'
    : /node|undici|curl|Wget/i.test(ua) ? 'Программа'
    : '';
  const system =
    /Android/.test(ua) ? 'Android'
    : /iPhone|iPad|iPod/.test(ua) ? 'iOS'
    : /Windows/.test(ua) ? 'Windows'
    : /Mac OS X|Macintosh/.test(ua) ? 'macOS'
    : /CrOS/.test(ua) ? 'ChromeOS'
    : /Linux/.test(ua) ? 'Linux'
    : '';
  const parts = [browser, system].filter(Boolean);
  return parts.length > 0 ? parts.join(', ') : 'Неизвестное устройство';
}
