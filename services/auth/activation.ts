// Activation of a new registration: the letter with a code and a link, and activating by either.
import { getCodeByLinkHash, getLiveCode, markCodeUsed, type CodeRow } from '../../db/auth/codes.ts';
import { markUserActivated } from '../../db/auth/users.ts';
import { nowSeconds } from '../platform/clock.ts';
import { hashSecret } from '../platform/tokens.ts';
import type { AuthDeps, RequestContext } from './auth.ts';
import { codeMatches, issueCode } from './codes.ts';
import { userByAccountNumber } from './form-checks.ts';
import { messages } from './messages.ts';
import { countTry, limits } from './throttle.ts';

const activationTtl = 24 * 3600;

export async function sendActivation(deps: AuthDeps, user: { id: number }, accountNumber: string, email: string): Promise<void> {
  const { db, mail, letters } = deps;
  const issued = issueCode(deps, user.id, 'activation', activationTtl, true);
  const letter = await letters.activation({ code: issued.code, link: `${deps.baseUrl}/activate/${issued.link}`, accountNumber });
  db.transaction(() => {
    issued.store();
    mail.enqueue({ kind: 'activation', to: email, ...letter });
  })();
}

/** Whether a link token is one that can still activate an account (for the confirm page). */
export function activationLinkIsLive({ db, clock }: AuthDeps, token: string): boolean {
  const row = getCodeByLinkHash(db, hashSecret(token));
  return !!row && row.purpose === 'activation' && row.used_at === null && row.expires_at > nowSeconds(clock);
}

export function activateByLink(deps: AuthDeps, token: string, context: RequestContext): boolean {
  const row = getCodeByLinkHash(deps.db, hashSecret(token));
  if (!row || row.purpose !== 'activation' || row.used_at !== null || row.expires_at <= nowSeconds(deps.clock)) return false;
  return activate(deps, row, context);
}

export function activateByCode(deps: AuthDeps, accountNumber: string, code: string, context: RequestContext): { ok: true } | { ok: false; message: string } {
  const limited = countTry(deps.throttle, [
    [`code:ip:${context.ip}`, limits.codeCheckPerIp],
    [`code:account:${accountNumber}`, limits.codeCheckPerAccount],
  ]);
  if (limited) return { ok: false, message: limited };
  const user = userByAccountNumber(deps, accountNumber);
  if (!user || user.activated_at !== null) return { ok: false, message: messages.badCode };
  const row = getLiveCode(deps.db, user.id, 'activation');
  if (!codeMatches(deps, row, user.id, code)) return { ok: false, message: messages.badCode };
  return activate(deps, row, context) ? { ok: true } : { ok: false, message: messages.badCode };
}

/** Sends a new activation letter if the account awaits activation; says nothing either way. */
export async function resendActivation(deps: AuthDeps, accountNumber: string, context: RequestContext): Promise<{ ok: true } | { ok: false; message: string }> {
  const limited = countTry(deps.throttle, [
    [`mail:ip:${context.ip}`, limits.mailPerIp],
    [`mail:account:${accountNumber}`, limits.mailPerAccount],
  ]);
  if (limited) return { ok: false, message: limited };
  const user = userByAccountNumber(deps, accountNumber);
  if (user && user.activated_at === null) {
    await sendActivation(deps, user, accountNumber, user.email);
    deps.audit.record(context, { event: 'activation.resend', userId: user.id, accountId: user.account_id });
  }
  return { ok: true };
}

function activate({ db, clock, audit }: AuthDeps, row: CodeRow, context: RequestContext): boolean {
  const now = nowSeconds(clock);
  const done = db.transaction(() => {
    if (!markCodeUsed(db, row.id, now)) return false;
    markUserActivated(db, row.user_id, now);
    return true;
  })();
  if (done) audit.record(context, { event: 'activation', userId: row.user_id });
  return done;
}
