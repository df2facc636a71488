// Bearer tokens for the JSON API: a login with the same throttle counters as the web form, a
// random token for the client, only its SHA-256 in the database, and a fixed expiry.
import { deleteApiToken, deleteExpiredApiTokens, getApiToken, insertApiToken } from '../../db/auth/api-tokens.ts';
import type { Db } from '../../db/connection.ts';
import type { GroupRead } from '../../db/group-read.ts';
import { getUserById, listUserLinks, type AccountLinkRow, type UserRow } from '../../db/auth/users.ts';
import type { Audit } from '../ops/audit.ts';
import type { RequestContext } from './auth.ts';
import { bind } from '../platform/bind.ts';
import { nowSeconds, type Clock } from '../platform/clock.ts';
import { checkCredentials } from './login.ts';
import type { Throttle } from './throttle.ts';
import { constantTimeEqual, hashSecret, randomToken } from '../platform/tokens.ts';

export type ApiLoginResult =
  | { kind: 'ok'; token: string; expiresAt: number; userId: number }
  | { kind: 'invalid' }
  | { kind: 'not_activated' }
  | { kind: 'throttled'; message: string; retryAfterSeconds: number };

type ApiTokensDeps = { db: Db; clock: Clock; throttle: Throttle; audit: Audit; ttlHours: number; reads: GroupRead };

/** The dependencies, the token lifetime in seconds, and when expired tokens were last swept. */
export type ApiTokensContext = ApiTokensDeps & { ttl: number; state: { lastSweep: number } };

export type ApiTokens = ReturnType<typeof createApiTokens>;

const tokenPattern = /^[a-z2-7]{32}$/;

export function createApiTokens(deps: ApiTokensDeps) {
  const context: ApiTokensContext = { ...deps, ttl: deps.ttlHours * 3600, state: { lastSweep: 0 } };
  return bind(context, { issue, login, validate, revoke });
}

function issue({ db, clock, ttl, state }: ApiTokensContext, userId: number, context: RequestContext): { token: string; expiresAt: number } {
  const token = randomToken();
  const now = nowSeconds(clock);
  // Expired rows are swept now and then, on the write path, never on every request.
  if (now - state.lastSweep > 3600) {
    deleteExpiredApiTokens(db, now);
    state.lastSweep = now;
  }
  insertApiToken(db, { id: hashSecret(token), user_id: userId, created_at: now, expires_at: now + ttl, user_agent: context.userAgent.slice(0, 300) });
  return { token, expiresAt: now + ttl };
}

/** As the web login (checkCredentials): the same counters, so the API is no way around them. */
async function login(deps: ApiTokensContext, accountNumber: string, password: string, context: RequestContext): Promise<ApiLoginResult> {
  const checked = await checkCredentials(deps, accountNumber, password, context, 'api.login');
  if (checked.kind !== 'ok') return checked;
  const issued = issue(deps, checked.user.id, context);
  deps.audit.record(context, { event: 'api.login', userId: checked.user.id, accountId: checked.user.account_id });
  return { kind: 'ok', ...issued, userId: checked.user.id };
}

/**
 * The user behind a live token with their account links, or null (malformed, unknown, expired or
 * deactivated). The token, its user and the links are read with the other requests of this turn;
 * an expired token is deleted after.
 */
async function validate({ db, clock, reads }: ApiTokensContext, token: string): Promise<{ user: UserRow; links: AccountLinkRow[] } | null> {
  if (!tokenPattern.test(token)) return null;
  const id = hashSecret(token);
  const found = await reads.run(() => {
    const row = getApiToken(db, id);
    const user = row && getUserById(db, row.user_id);
    return row && { row, user, links: user ? listUserLinks(db, user.id) : [] };
  });
  if (!found || !constantTimeEqual(found.row.id, id)) return null;
  if (found.row.expires_at <= nowSeconds(clock)) {
    deleteApiToken(db, id);
    return null;
  }
  const { user, links } = found;
  return user && user.activated_at !== null ? { user, links } : null;
}

function revoke({ db }: ApiTokensContext, token: string): void {
  if (tokenPattern.test(token)) deleteApiToken(db, hashSecret(token));
}
