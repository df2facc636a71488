// The settings that ask for the current password: changing it, and closing the cabinet.
import { deleteUser } from '../../db/accounts/settings.ts';
import { deleteUserRequests, listUserAttachmentNames } from '../../db/support/support.ts';
import { getUserById, updateUserPassword, type UserRow } from '../../db/auth/users.ts';
import type { FieldErrors, RequestContext } from '../auth/auth.ts';
import { hashPassword, verifyPassword } from '../auth/passwords.ts';
import { countTry, limits } from '../auth/throttle.ts';
import { nowSeconds } from '../platform/clock.ts';
import type { SettingsContext } from './settings.ts';
import { settingsMessages } from './settings-messages.ts';

/** Checks the current password, ends every session and opens a new one: returns its token. */
export async function changePassword(
  { db, clock, audit, throttle, sessions }: SettingsContext,
  user: UserRow,
  input: { current: string; password: string },
  context: RequestContext,
): Promise<{ ok: true; token: string } | { ok: false; errors: FieldErrors }> {
  const throttled = countTry(throttle, [[`password:user:${user.id}`, limits.loginPerAccount]]);
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
}

/**
 * Closes the cabinet after the password: the user, links, sessions, codes and support requests
 * (with their files) are deleted; the billing side (account, readings, charges, payments) stays.
 */
export async function closeCabinet(
  { db, audit, throttle, uploads }: SettingsContext,
  user: UserRow,
  password: string,
  context: RequestContext,
): Promise<{ ok: true } | { ok: false; errors: FieldErrors }> {
  const throttled = countTry(throttle, [[`password:user:${user.id}`, limits.loginPerAccount]]);
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
}
