// Password recovery: a code to the e-mail on file, then a new password with that code.
import { getLiveCode, markCodeUsed } from '../../db/auth/codes.ts';
import { markUserActivated, updateUserPassword } from '../../db/auth/users.ts';
import { nowSeconds } from '../platform/clock.ts';
import type { AuthDeps, FieldErrors, RequestContext } from './auth.ts';
import { codeMatches, issueCode } from './codes.ts';
import { userByAccountNumber } from './form-checks.ts';
import { messages } from './messages.ts';
import { hashPassword } from './passwords.ts';
import { countTry, limits } from './throttle.ts';

const recoveryTtl = 15 * 60;

/** Sends a recovery code when the account and e-mail match a user; the answer is the same either way. */
export async function startRecovery(deps: AuthDeps, accountNumber: string, email: string, context: RequestContext): Promise<{ ok: true } | { ok: false; message: string }> {
  const { db, mail, letters, audit } = deps;
  const limited = countTry(deps.throttle, [
    [`mail:ip:${context.ip}`, limits.mailPerIp],
    [`mail:account:${accountNumber}`, limits.mailPerAccount],
  ]);
  if (limited) return { ok: false, message: limited };
  const user = userByAccountNumber(deps, accountNumber);
  if (user && user.email.toLowerCase() === email.toLowerCase()) {
    const issued = issueCode(deps, user.id, 'recovery', recoveryTtl, false);
    const letter = await letters.recovery({ code: issued.code, accountNumber, minutes: recoveryTtl / 60 });
    db.transaction(() => {
      issued.store();
      mail.enqueue({ kind: 'recovery', to: user.email, ...letter });
    })();
    audit.record(context, { event: 'recovery.start', userId: user.id, accountId: user.account_id });
  } else {
    audit.record(context, { event: 'recovery.start_unmatched' });
  }
  return { ok: true };
}

export async function completeRecovery(
  deps: AuthDeps,
  input: { accountNumber: string; code: string; password: string },
  context: RequestContext,
): Promise<{ ok: true } | { ok: false; errors: FieldErrors }> {
  const { db, clock, sessions, throttle, audit } = deps;
  const limited = countTry(deps.throttle, [
    [`code:ip:${context.ip}`, limits.codeCheckPerIp],
    [`code:account:${input.accountNumber}`, limits.codeCheckPerAccount],
  ]);
  if (limited) return { ok: false, errors: { code: limited } };
  const user = userByAccountNumber(deps, input.accountNumber);
  const row = user ? getLiveCode(db, user.id, 'recovery') : undefined;
  if (!user || !codeMatches(deps, row, user.id, input.code)) {
    audit.record(context, { event: 'recovery.bad_code', userId: user?.id ?? null });
    return { ok: false, errors: { code: messages.badCode } };
  }
  const passwordHash = await hashPassword(input.password);
  const now = nowSeconds(clock);
  const done = db.transaction(() => {
    if (!markCodeUsed(db, row.id, now)) return false;
    updateUserPassword(db, user.id, passwordHash, now);
    // The code came to the address on file, which proves it as activation would.
    markUserActivated(db, user.id, now);
    sessions.endAllForUser(user.id);
    return true;
  })();
  if (!done) return { ok: false, errors: { code: messages.badCode } };
  throttle.reset(`login:account:${input.accountNumber}`);
  audit.record(context, { event: 'recovery.complete', userId: user.id, accountId: user.account_id });
  return { ok: true };
}
