// Login with the account number and the password, and logout.
import { listUserLinks } from '../../db/auth/users.ts';
import type { AuthDeps, LoginResult, RequestContext } from './auth.ts';
import { userByAccountNumber } from './form-checks.ts';
import { decoyPasswordHash, verifyPassword } from './passwords.ts';
import { limits, retryMessage } from './throttle.ts';

export async function login(deps: AuthDeps, accountNumber: string, password: string, context: RequestContext): Promise<LoginResult> {
  const { db, throttle, sessions, audit } = deps;
  const accountKey = `login:account:${accountNumber}`;
  const ipKey = `login:ip:${context.ip}`;
  for (const [key, limit] of [[accountKey, limits.loginPerAccount], [ipKey, limits.loginPerIp]] as const) {
    const verdict = throttle.check(key, limit);
    if (!verdict.allowed) {
      audit.record(context, { event: 'login.throttled', detail: { by: key === ipKey ? 'ip' : 'account' } });
      return { kind: 'throttled', message: retryMessage(verdict.retryAfterSeconds) };
    }
  }
  const user = userByAccountNumber(deps, accountNumber);
  const valid = await verifyPassword(user?.password_hash ?? (await decoyPasswordHash()), password);
  if (!user || !valid) {
    throttle.hit(accountKey);
    throttle.hit(ipKey);
    audit.record(context, { event: 'login.failed', userId: user?.id ?? null, accountId: user?.account_id ?? null });
    return { kind: 'invalid' };
  }
  if (user.activated_at === null) return { kind: 'not_activated' };
  throttle.reset(accountKey);
  const token = sessions.create(user.id, context);
  audit.record(context, { event: 'login', userId: user.id, accountId: user.account_id });
  return { kind: 'ok', token, primaryLinkId: listUserLinks(db, user.id)[0].id };
}

export function logout({ sessions, audit }: AuthDeps, token: string, userId: number, context: RequestContext): void {
  sessions.end(token);
  audit.record(context, { event: 'logout', userId });
}
