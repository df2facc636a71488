// Registration, activation, login and password recovery: the rules, no HTTP.
import type { Db } from '../../db/connection.ts';
import { getAccountByNumber } from '../../db/accounts/accounts.ts';
import { countCodeAttempt, getCodeByLinkHash, getLiveCode, insertCode, markCodeUsed, voidCodes, type CodePurpose, type CodeRow } from '../../db/auth/codes.ts';
import {
  deleteUnactivatedUser,
  getUserByAccountId,
  insertAccountLink,
  insertUser,
  listUserLinks,
  markUserActivated,
  updateUserPassword,
  type UserRow,
} from '../../db/auth/users.ts';
import type { Audit } from '../ops/audit.ts';
import { nowSeconds, type Clock } from '../platform/clock.ts';
import type { Company } from '../platform/config.ts';
import type { Letters } from '../platform/letters.ts';
import type { Mail } from '../platform/mail.ts';
import { checkHolderProof } from './proof.ts';
import { decoyPasswordHash, hashPassword, verifyPassword } from './passwords.ts';
import type { Sessions } from './sessions.ts';
import { limits, retryMessage, type Limit, type Throttle } from './throttle.ts';
import { constantTimeEqual, hashSecret, randomDigits, randomToken } from '../platform/tokens.ts';

export type RequestContext = { ip: string; userAgent: string };
export type FieldErrors = Record<string, string>;

export type RegistrationInput = {
  accountNumber: string;
  password: string;
  email: string;
  phone: string;
  proof: string;
};

export type LoginResult =
  | { kind: 'ok'; token: string; primaryLinkId: number }
  | { kind: 'invalid' }
  | { kind: 'not_activated' }
  | { kind: 'throttled'; message: string };

const activationTtl = 24 * 3600;
const recoveryTtl = 15 * 60;
const maxCodeAttempts = 5;

export const messages = {
  unknownAccount: 'Лицевой счёт не найден. Проверьте номер в счёте за электроэнергию.',
  wrongProof: 'Не совпадает с данными лицевого счёта. Проверьте номер счётчика или сумму последнего счёта.',
  noProofAvailable: 'Для этого лицевого счёта нужна помощь: позвоните в техподдержку личного кабинета.',
  alreadyRegistered: 'Этот лицевой счёт уже зарегистрирован. Войдите или восстановите пароль.',
  badCode: 'Неверный или просроченный код. Запросите новый.',
  invalidLogin: 'Неверный номер лицевого счёта или пароль.',
} as const;

export type Auth = ReturnType<typeof createAuth>;

export function createAuth(deps: {
  db: Db;
  clock: Clock;
  company: Company;
  baseUrl: string;
  registrationProof: boolean;
  sessions: Sessions;
  throttle: Throttle;
  mail: Mail;
  letters: Letters;
  audit: Audit;
}) {
  const { db, clock, sessions, throttle, mail, letters, audit } = deps;

  function throttled(checks: [string, Limit][]): string | null {
    for (const [key, limit] of checks) {
      const verdict = throttle.check(key, limit);
      if (!verdict.allowed) return retryMessage(verdict.retryAfterSeconds);
    }
    for (const [key] of checks) throttle.hit(key);
    return null;
  }

  function issueCode(userId: number, purpose: CodePurpose, ttl: number, withLink: boolean, payload: string | null = null) {
    const code = randomDigits(8);
    const link = withLink ? randomToken() : null;
    const now = nowSeconds(clock);
    return {
      code,
      link,
      store: () => {
        voidCodes(db, userId, purpose, now);
        insertCode(db, {
          user_id: userId,
          purpose,
          code_hash: hashSecret(`${userId}:${code}`),
          link_hash: link ? hashSecret(link) : null,
          payload,
          created_at: now,
          expires_at: now + ttl,
        });
      },
    };
  }

  /** Checks a typed code, counting the attempt; the code dies after a few wrong ones. */
  function codeMatches(row: CodeRow | undefined, userId: number, code: string): row is CodeRow {
    if (!row || row.expires_at <= nowSeconds(clock)) return false;
    const attempts = countCodeAttempt(db, row.id);
    if (attempts > maxCodeAttempts) return false;
    return constantTimeEqual(row.code_hash, hashSecret(`${userId}:${code}`));
  }

  async function sendActivation(user: { id: number }, accountNumber: string, email: string): Promise<void> {
    const issued = issueCode(user.id, 'activation', activationTtl, true);
    const letter = await letters.activation({ code: issued.code, link: `${deps.baseUrl}/activate/${issued.link}`, accountNumber });
    db.transaction(() => {
      issued.store();
      mail.enqueue({ kind: 'activation', to: email, ...letter });
    })();
  }

  return {
    async register(input: RegistrationInput, context: RequestContext): Promise<{ ok: true } | { ok: false; errors: FieldErrors }> {
      const limited = throttled([
        [`register:ip:${context.ip}`, limits.registerPerIp],
        [`register:account:${input.accountNumber}`, limits.registerPerAccount],
      ]);
      if (limited) return { ok: false, errors: { accountNumber: limited } };

      const account = getAccountByNumber(db, input.accountNumber);
      if (!account) return { ok: false, errors: { accountNumber: messages.unknownAccount } };
      if (deps.registrationProof) {
        const proof = checkHolderProof(db, account, input.proof);
        if (proof === 'unavailable') return { ok: false, errors: { proof: messages.noProofAvailable } };
        if (proof === 'mismatch') {
          audit.record(context, { event: 'register.wrong_proof', accountId: account.id });
          return { ok: false, errors: { proof: messages.wrongProof } };
        }
      }
      if (getUserByAccountId(db, account.id)?.activated_at) {
        return { ok: false, errors: { accountNumber: messages.alreadyRegistered } };
      }

      const passwordHash = await hashPassword(input.password);
      const now = nowSeconds(clock);
      const userId = db.transaction(() => {
        const existing = getUserByAccountId(db, account.id);
        if (existing?.activated_at) return null;
        // An unactivated registration (say, with a mistyped e-mail) is replaced by one with the proof.
        if (existing) deleteUnactivatedUser(db, existing.id);
        const id = insertUser(db, {
          account_id: account.id,
          email: input.email,
          phone: input.phone,
          password_hash: passwordHash,
          created_at: now,
          password_changed_at: now,
          agreement_version: deps.company.documents.agreementVersion,
          agreement_accepted_at: now,
          consent_version: deps.company.documents.personalDataConsentVersion,
          consent_accepted_at: now,
        });
        insertAccountLink(db, { user_id: id, account_id: account.id, is_primary: 1, created_at: now });
        return id;
      })();
      if (userId === null) return { ok: false, errors: { accountNumber: messages.alreadyRegistered } };
      audit.record(context, { event: 'register', userId, accountId: account.id });
      await sendActivation({ id: userId }, account.number, input.email);
      return { ok: true };
    },

    /** Whether a link token is one that can still activate an account (for the confirm page). */
    activationLinkIsLive(token: string): boolean {
      const row = getCodeByLinkHash(db, hashSecret(token));
      return !!row && row.purpose === 'activation' && row.used_at === null && row.expires_at > nowSeconds(clock);
    },

    activateByLink(token: string, context: RequestContext): boolean {
      const row = getCodeByLinkHash(db, hashSecret(token));
      if (!row || row.purpose !== 'activation' || row.used_at !== null || row.expires_at <= nowSeconds(clock)) return false;
      return activate(row, context);
    },

    activateByCode(accountNumber: string, code: string, context: RequestContext): { ok: true } | { ok: false; message: string } {
      const limited = throttled([
        [`code:ip:${context.ip}`, limits.codeCheckPerIp],
        [`code:account:${accountNumber}`, limits.codeCheckPerAccount],
      ]);
      if (limited) return { ok: false, message: limited };
      const user = userByAccountNumber(accountNumber);
      if (!user || user.activated_at !== null) return { ok: false, message: messages.badCode };
      const row = getLiveCode(db, user.id, 'activation');
      if (!codeMatches(row, user.id, code)) return { ok: false, message: messages.badCode };
      return activate(row, context) ? { ok: true } : { ok: false, message: messages.badCode };
    },

    /** Sends a new activation letter if the account awaits activation; says nothing either way. */
    async resendActivation(accountNumber: string, context: RequestContext): Promise<{ ok: true } | { ok: false; message: string }> {
      const limited = throttled([
        [`mail:ip:${context.ip}`, limits.mailPerIp],
        [`mail:account:${accountNumber}`, limits.mailPerAccount],
      ]);
      if (limited) return { ok: false, message: limited };
      const user = userByAccountNumber(accountNumber);
      if (user && user.activated_at === null) {
        await sendActivation(user, accountNumber, user.email);
        audit.record(context, { event: 'activation.resend', userId: user.id, accountId: user.account_id });
      }
      return { ok: true };
    },

    async login(accountNumber: string, password: string, context: RequestContext): Promise<LoginResult> {
      const accountKey = `login:account:${accountNumber}`;
      const ipKey = `login:ip:${context.ip}`;
      for (const [key, limit] of [[accountKey, limits.loginPerAccount], [ipKey, limits.loginPerIp]] as const) {
        const verdict = throttle.check(key, limit);
        if (!verdict.allowed) {
          audit.record(context, { event: 'login.throttled', detail: { by: key === ipKey ? 'ip' : 'account' } });
          return { kind: 'throttled', message: retryMessage(verdict.retryAfterSeconds) };
        }
      }
      const user = userByAccountNumber(accountNumber);
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
    },

    logout(token: string, userId: number, context: RequestContext): void {
      sessions.end(token);
      audit.record(context, { event: 'logout', userId });
    },

    /** Sends a recovery code when the account and e-mail match a user; the answer is the same either way. */
    async startRecovery(accountNumber: string, email: string, context: RequestContext): Promise<{ ok: true } | { ok: false; message: string }> {
      const limited = throttled([
        [`mail:ip:${context.ip}`, limits.mailPerIp],
        [`mail:account:${accountNumber}`, limits.mailPerAccount],
      ]);
      if (limited) return { ok: false, message: limited };
      const user = userByAccountNumber(accountNumber);
      if (user && user.email.toLowerCase() === email.toLowerCase()) {
        const issued = issueCode(user.id, 'recovery', recoveryTtl, false);
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
    },

    async completeRecovery(
      input: { accountNumber: string; code: string; password: string },
      context: RequestContext,
    ): Promise<{ ok: true } | { ok: false; errors: FieldErrors }> {
      const limited = throttled([
        [`code:ip:${context.ip}`, limits.codeCheckPerIp],
        [`code:account:${input.accountNumber}`, limits.codeCheckPerAccount],
      ]);
      if (limited) return { ok: false, errors: { code: limited } };
      const user = userByAccountNumber(input.accountNumber);
      const row = user ? getLiveCode(db, user.id, 'recovery') : undefined;
      if (!user || !codeMatches(row, user.id, input.code)) {
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
    },
  };

  function userByAccountNumber(accountNumber: string): UserRow | undefined {
    const account = getAccountByNumber(db, accountNumber);
    return account ? getUserByAccountId(db, account.id) : undefined;
  }

  function activate(row: CodeRow, context: RequestContext): boolean {
    const now = nowSeconds(clock);
    const done = db.transaction(() => {
      if (!markCodeUsed(db, row.id, now)) return false;
      markUserActivated(db, row.user_id, now);
      return true;
    })();
    if (done) audit.record(context, { event: 'activation', userId: row.user_id });
    return done;
  }
}
