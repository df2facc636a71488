// Login with the account number and the password, and logout.
import { listUserLinks, type UserRow } from '../../db/auth/users.ts';
import type { Db } from '../../db/connection.ts';
import type { Audit } from '../ops/audit.ts';
import type { AuthDeps, LoginResult, RequestContext } from './auth.ts';
import { userByAccountNumber } from './form-checks.ts';
import { decoyPasswordHash, verifyPassword } from './passwords.ts';
import { limits, overLimit, retryMessage, type Throttle } from './throttle.ts';

type CredentialDeps = { db: Db; throttle: Throttle; audit: Audit };

export type Credentials =
  | { kind: 'ok'; user: UserRow }
  | { kind: 'invalid' }
  | { kind: 'not_activated' }
  | { kind: 'throttled'; message: string; retryAfterSeconds: number };

/**
 * The account number and password as every login checks them (the web form, the API): the same
 * per-account and per-IP counters, a decoy hash for an unknown account, the audit events under
 * `events` ('login' or 'api.login'). A success resets the account's counter.
 */
export async function checkCredentials(deps: CredentialDeps, accountNumber: string, password: string, context: RequestContext, events: string): Promise<Credentials> {
  const { throttle, audit } = deps;
  const accountKey = `login:account:${accountNumber}`;
  const ipKey = `login:ip:${context.ip}`;
  const over = overLimit(throttle, [[accountKey, limits.loginPerAccount], [ipKey, limits.loginPerIp]]);
  if (over) {
    audit.record(context, { event: `${events}.throttled`, detail: { by: over.key === ipKey ? 'ip' : 'account' } });
    return { kind: 'throttled', message: retryMessage(over.retryAfterSeconds), retryAfterSeconds: over.retryAfterSeconds };
  }
  const user = userByAccountNumber(deps, accountNumber);
  const valid = await verifyPassword(user?.password_hash ?? (await decoyPasswordHash()), password);
  if (!user || !valid) {
    throttle.hit(accountKey);
    throttle.hit(ipKey);
    audit.record(context, { event: `${events}.failed`, userId: user?.id ?? null, accountId: user?.account_id ?? null });
    return { kind: 'invalid' };
  }
  if (user.activated_at === null) return { kind: 'not_activated' };
  throttle.reset(accountKey);
  return { kind: 'ok', user };
}

export async function login(deps: AuthDeps, accountNumber: string, password: string, context: RequestContext): Promise<LoginResult> {
  const checked = await checkCredentials(deps, accountNumber, password, context, 'login');
  if (checked.kind === 'throttled') return { kind: 'throttled', message: checked.message };
  if (checked.kind !== 'ok') return checked;
  const token = deps.sessions.create(checked.user.id, context);
  deps.audit.record(context, { event: 'login', userId: checked.user.id, accountId: checked.user.account_id });
  return { kind: 'ok', token, primaryLinkId: listUserLinks(deps.db, checked.user.id)[0].id };
}

export function logout({ sessions, audit }: AuthDeps, token: string, userId: number, context: RequestContext): void {
  sessions.end(token);
  audit.record(context, { event: 'logout', userId });
}
