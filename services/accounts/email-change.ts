// Changing the e-mail: a code goes to the new address, and the address switches only when it comes back.
import { getLiveCode, markCodeUsed } from '../../db/auth/codes.ts';
import { emailUsedByOtherUser, updateUserEmail } from '../../db/accounts/settings.ts';
import type { UserRow } from '../../db/auth/users.ts';
import type { FieldErrors, RequestContext } from '../auth/auth.ts';
import { codeMatches, issueCode, maxCodeAttempts } from '../auth/codes.ts';
import { countTry, limits } from '../auth/throttle.ts';
import { nowSeconds } from '../platform/clock.ts';
import type { SettingsContext } from './settings.ts';
import { settingsMessages } from './settings-messages.ts';

const emailCodeTtl = 15 * 60;

export function pendingEmail({ db, clock }: SettingsContext, userId: number): { email: string; expiresAt: number } | null {
  const row = getLiveCode(db, userId, 'email_change');
  if (!row || row.expires_at <= nowSeconds(clock) || row.attempts >= maxCodeAttempts || !row.payload) return null;
  return { email: row.payload, expiresAt: row.expires_at };
}

/** Sends an 8-digit code to the new address; the address on file stays until the code comes back. */
export async function requestEmailChange(
  { db, clock, audit, throttle, mail, letters }: SettingsContext,
  user: UserRow,
  email: string,
  context: RequestContext,
): Promise<{ ok: true } | { ok: false; errors: FieldErrors }> {
  if (email.toLowerCase() === user.email.toLowerCase()) return { ok: false, errors: { email: settingsMessages.sameEmail } };
  if (emailUsedByOtherUser(db, user.id, email)) {
    audit.record(context, { event: 'settings.email_in_use', userId: user.id });
    return { ok: false, errors: { email: settingsMessages.emailInUse } };
  }
  const throttled = countTry(throttle, [[`mail:user:${user.id}`, limits.mailPerAccount], [`mail:ip:${context.ip}`, limits.mailPerIp]]);
  if (throttled) return { ok: false, errors: { email: throttled } };
  const issued = issueCode({ db, clock }, user.id, 'email_change', emailCodeTtl, false, email);
  const letter = await letters.emailChangeCode({ code: issued.code, minutes: emailCodeTtl / 60 });
  db.transaction(() => {
    issued.store();
    mail.enqueue({ kind: 'email_change_code', to: email, ...letter });
  })();
  audit.record(context, { event: 'settings.email_change_requested', userId: user.id });
  return { ok: true };
}

/** The typed code switches the address; the old one is told. */
export async function confirmEmailChange(
  { db, clock, audit, throttle, mail, letters }: SettingsContext,
  user: UserRow,
  code: string,
  context: RequestContext,
): Promise<{ ok: true } | { ok: false; errors: FieldErrors }> {
  const throttled = countTry(throttle, [[`code:user:${user.id}`, limits.codeCheckPerAccount], [`code:ip:${context.ip}`, limits.codeCheckPerIp]]);
  if (throttled) return { ok: false, errors: { code: throttled } };
  const row = getLiveCode(db, user.id, 'email_change');
  if (!row || !row.payload) return { ok: false, errors: { code: settingsMessages.noPendingChange } };
  if (!codeMatches({ db, clock }, row, user.id, code)) {
    audit.record(context, { event: 'settings.email_bad_code', userId: user.id });
    return { ok: false, errors: { code: settingsMessages.badCode } };
  }
  const newEmail = row.payload;
  // Checked again: another cabinet may have taken the address while the code travelled.
  if (emailUsedByOtherUser(db, user.id, newEmail)) return { ok: false, errors: { code: settingsMessages.emailInUse } };
  const notice = await letters.emailChanged({ newEmail: maskEmail(newEmail) });
  const done = db.transaction(() => {
    if (!markCodeUsed(db, row.id, nowSeconds(clock))) return false;
    updateUserEmail(db, user.id, newEmail);
    mail.enqueue({ kind: 'email_changed', to: user.email, ...notice });
    return true;
  })();
  if (!done) return { ok: false, errors: { code: settingsMessages.badCode } };
  audit.record(context, { event: 'settings.email_changed', userId: user.id });
  return { ok: true };
}

/** «i***@example.ru»: enough for the owner to recognise, little for anyone else. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return '***';
  return `${email[0]}***${email.slice(at)}`;
}
