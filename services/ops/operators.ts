// The retailer's operators: login with password + TOTP, and the review of flagged readings.
import { createTOTPKeyURI, verifyHOTP } from '@oslojs/otp';
import { randomBytes } from 'node:crypto';
import type { Db } from '../../db/connection.ts';
import {
  claimTotpCounter,
  deleteOperatorSession,
  getOperatorById,
  getOperatorByLogin,
  getOperatorSession,
  insertOperator,
  insertOperatorSession,
  touchOperatorSession,
  type OperatorRow,
} from '../../db/ops/operators.ts';
import { listReadingsForReview, recentReadings, setSubmissionStatus, type ReadingRow, type ReviewItem } from '../../db/billing/readings.ts';
import { listAuditEntries, type AuditEntry } from '../../db/ops/audit.ts';
import type { Audit, AuditContext } from './audit.ts';
import { bind } from '../platform/bind.ts';
import { nowSeconds, type Clock } from '../platform/clock.ts';
import { decoyPasswordHash, hashPassword, verifyPassword } from '../auth/passwords.ts';
import type { SessionLimits } from '../auth/sessions.ts';
import { limits, retryMessage, type Throttle } from '../auth/throttle.ts';
import { constantTimeEqual, hashSecret, randomToken } from '../platform/tokens.ts';

export type ReviewSubmission = {
  accountId: number;
  seq: number;
  number: string;
  address: string;
  holder: string;
  period: string;
  submittedAt: number;
  status: string;
  reason: string | null;
  values: { zone: number; value: number }[];
  history: ReadingRow[];
};

type OperatorsDeps = { db: Db; clock: Clock; audit: Audit; throttle: Throttle; session: SessionLimits; issuer: string };

export type Operators = ReturnType<typeof createOperators>;

const totpStep = 30;

export function createOperators(deps: OperatorsDeps) {
  return bind(deps, { create, login, validate, logout, auditLog, queue, decide });
}

function totpMatches({ db, clock }: OperatorsDeps, operator: OperatorRow, code: string): boolean {
  if (!/^\d{6}$/.test(code)) return false;
  const current = Math.floor(clock.now() / 1000 / totpStep);
  for (const counter of [current - 1, current, current + 1]) {
    if (verifyHOTP(operator.totp_key, BigInt(counter), 6, code)) return claimTotpCounter(db, operator.id, counter);
  }
  return false;
}

function group({ db }: OperatorsDeps, items: ReviewItem[]): ReviewSubmission[] {
  const submissions = new Map<string, ReviewSubmission>();
  for (const item of items) {
    const key = `${item.account_id}:${item.seq}`;
    let submission = submissions.get(key);
    if (!submission) {
      submission = {
        accountId: item.account_id,
        seq: item.seq,
        number: item.number,
        address: item.address,
        holder: item.holder,
        period: item.period,
        submittedAt: item.submitted_at,
        status: item.status,
        reason: item.reason,
        values: [],
        history: recentReadings(db, item.account_id, 12),
      };
      submissions.set(key, submission);
    }
    submission.values.push({ zone: item.zone, value: item.value });
  }
  return [...submissions.values()];
}

/** For scripts/create-operator.ts: a new operator with a random password and TOTP key. */
async function create({ db, clock, issuer }: OperatorsDeps, input: { login: string; name: string }): Promise<{ password: string; totpUri: string }> {
  const password = randomToken().slice(0, 16);
  const key = randomBytes(20);
  insertOperator(db, { login: input.login, name: input.name, password_hash: await hashPassword(password), totp_key: key, created_at: nowSeconds(clock) });
  return { password, totpUri: createTOTPKeyURI(issuer, input.login, key, totpStep, 6) };
}

async function login(
  deps: OperatorsDeps,
  input: { login: string; password: string; code: string },
  context: AuditContext,
): Promise<{ ok: true; token: string } | { ok: false; message: string }> {
  const { db, clock, audit, throttle } = deps;
  for (const [key, limit] of [[`ops:login:${input.login}`, limits.loginPerAccount], [`ops:ip:${context.ip}`, limits.loginPerIp]] as const) {
    const verdict = throttle.check(key, limit);
    if (!verdict.allowed) return { ok: false, message: retryMessage(verdict.retryAfterSeconds) };
  }
  const operator = getOperatorByLogin(db, input.login);
  const passwordOk = await verifyPassword(operator?.password_hash ?? (await decoyPasswordHash()), input.password);
  if (!operator || operator.disabled_at !== null || !passwordOk || !totpMatches(deps, operator, input.code)) {
    throttle.hit(`ops:login:${input.login}`);
    throttle.hit(`ops:ip:${context.ip}`);
    audit.record(context, { event: 'operator.login_failed', operatorId: operator?.id ?? null });
    return { ok: false, message: 'Неверный логин, пароль или код из приложения.' };
  }
  throttle.reset(`ops:login:${input.login}`);
  const token = randomToken();
  const now = nowSeconds(clock);
  insertOperatorSession(db, { id: hashSecret(token), operator_id: operator.id, created_at: now, last_seen_at: now, ip: context.ip });
  audit.record(context, { event: 'operator.login', operatorId: operator.id });
  return { ok: true, token };
}

function validate({ db, clock, session: sessionLimits }: OperatorsDeps, token: string): OperatorRow | null {
  if (!/^[a-z2-7]{32}$/.test(token)) return null;
  const id = hashSecret(token);
  const session = getOperatorSession(db, id);
  if (!session || !constantTimeEqual(session.id, id)) return null;
  const now = nowSeconds(clock);
  if (now - session.last_seen_at >= sessionLimits.idleMinutes * 60 || now - session.created_at >= sessionLimits.absoluteHours * 3600) {
    deleteOperatorSession(db, id);
    return null;
  }
  if (now - session.last_seen_at >= 60) touchOperatorSession(db, id, now);
  const operator = getOperatorById(db, session.operator_id);
  return operator && operator.disabled_at === null ? operator : null;
}

function logout({ db }: OperatorsDeps, token: string): void {
  deleteOperatorSession(db, hashSecret(token));
}

/** The newest security events (optionally of one kind prefix, e.g. 'login'); reading them is itself audited. */
function auditLog({ db, audit }: OperatorsDeps, operatorId: number, filter: { event: string }, context: AuditContext): (AuditEntry & { id: number })[] {
  audit.record(context, { event: 'operator.audit_viewed', operatorId, detail: filter.event ? { event: filter.event } : undefined });
  return listAuditEntries(db, 200, filter.event);
}

function queue(deps: OperatorsDeps, status: 'review' | 'rejected'): ReviewSubmission[] {
  return group(deps, listReadingsForReview(deps.db, status, 300));
}

/** Accepts a flagged submission, or refuses a flagged or accepted one with a reason the customer reads. */
function decide(
  { db, audit }: OperatorsDeps,
  operatorId: number,
  input: { accountId: number; seq: number; decision: 'accept' | 'reject'; reason: string },
  context: AuditContext,
): boolean {
  const changed =
    input.decision === 'accept'
      ? setSubmissionStatus(db, input.accountId, input.seq, 'review', 'accepted', null)
      : setSubmissionStatus(db, input.accountId, input.seq, 'review', 'rejected', input.reason);
  if (changed > 0) {
    audit.record(context, {
      event: `operator.reading_${input.decision}`,
      operatorId,
      accountId: input.accountId,
      detail: { seq: input.seq, reason: input.reason || undefined },
    });
  }
  return changed > 0;
}
