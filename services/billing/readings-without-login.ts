// Readings without logging in: the account number and its meter's serial prove the holder
// (throttled per IP and per account like login), a short-lived grant bound to that account and
// meter carries the proof to the readings form in a cookie, and every later request — the form,
// its POST, the result — is answered only through that grant, never an account id from the page.
// The readings' rules are the cabinet's own (readings.ts); the submission is stored as source
// 'customer' with user_id NULL, and its audit row says withoutLogin.
import { getAccountByNumber, getAccountWithMeter, getActiveMeter, type AccountRow, type MeterRow } from '../../db/accounts/accounts.ts';
import { getLiveReadingGrant, insertReadingGrant, spendReadingGrant, type ReadingGrantRow } from '../../db/billing/reading-grants.ts';
import type { ReadingRow } from '../../db/billing/readings.ts';
import type { Db } from '../../db/connection.ts';
import type { GroupCommit } from '../../db/group-commit.ts';
import { checkHolderProof } from '../auth/proof.ts';
import { limits, overLimit, retryMessage, type Throttle } from '../auth/throttle.ts';
import type { Audit, AuditContext } from '../ops/audit.ts';
import { bind } from '../platform/bind.ts';
import { nowSeconds, type Clock } from '../platform/clock.ts';
import { hashSecret, randomToken } from '../platform/tokens.ts';
import type { CheckedReading, Estimate, ReadingForm, Readings, ZoneState } from './readings.ts';

type Deps = { db: Db; clock: Clock; throttle: Throttle; audit: Audit; readings: Readings; commits: GroupCommit };

export type ReadingsWithoutLogin = ReturnType<typeof createReadingsWithoutLogin>;

/** How long a proof lets the visitor fill in and send the form. */
export const grantSeconds = 15 * 60;

export const withoutLoginMessages = {
  // The same words for an unknown account, a wrong serial and an account without a meter.
  wrongProof: 'Номер лицевого счёта и заводской номер счётчика не подходят друг к другу. Проверьте их по счёту за электроэнергию или по самому счётчику.',
} as const;

export type ProofResult = { kind: 'ok'; token: string } | { kind: 'wrong' } | { kind: 'throttled'; message: string };

/** What a live grant opens: the account and meter it is bound to, and the submission it was spent on. */
type Subject = { grant: ReadingGrantRow; account: AccountRow; meter: MeterRow };

export type GuestForm = { kind: 'none' } | { kind: 'used' } | { kind: 'open'; accountNumber: string; meter: MeterRow; form: ReadingForm };

export type GuestCheck = { kind: 'none' } | { kind: 'checked'; meter: MeterRow; checked: CheckedReading };

export type GuestDone = { rows: ReadingRow[]; meter: MeterRow; estimate: Estimate };

export function createReadingsWithoutLogin(deps: Deps) {
  return bind(deps, { prove, form, check, checkField, submit, submitGrouped, done });
}

function prove(deps: Deps, accountNumber: string, serial: string, context: AuditContext): ProofResult {
  const { db, clock, throttle, audit } = deps;
  const accountKey = `readings:account:${accountNumber}`;
  const ipKey = `readings:ip:${context.ip}`;
  const over = overLimit(throttle, [[accountKey, limits.readingsPerAccount], [ipKey, limits.readingsPerIp]]);
  if (over) {
    audit.record(context, { event: 'reading.without_login.throttled', detail: { by: over.key === ipKey ? 'ip' : 'account' } });
    return { kind: 'throttled', message: retryMessage(over.retryAfterSeconds) };
  }
  const account = getAccountByNumber(db, accountNumber);
  const meter = account ? getActiveMeter(db, account.id) : undefined;
  // Only a meter's serial proves the holder here: an account without a meter has nothing to pass.
  if (!account || !meter || checkHolderProof(db, account, serial) !== 'match') {
    throttle.hit(accountKey);
    throttle.hit(ipKey);
    audit.record(context, { event: 'reading.without_login.wrong_proof', accountId: account?.id ?? null });
    return { kind: 'wrong' };
  }
  throttle.reset(accountKey);
  const token = randomToken();
  const now = nowSeconds(clock);
  insertReadingGrant(db, { token_hash: hashSecret(token), account_id: account.id, meter_id: meter.id, created_at: now, expires_at: now + grantSeconds });
  audit.record(context, { event: 'reading.without_login.proved', accountId: account.id });
  return { kind: 'ok', token };
}

/** The grant behind the cookie's token while it lasts and its meter is still the account's. */
function subjectOf({ db, clock }: Deps, token: unknown): Subject | null {
  if (typeof token !== 'string' || !/^[a-z2-7]{32}$/.test(token)) return null;
  const grant = getLiveReadingGrant(db, hashSecret(token), nowSeconds(clock));
  if (!grant) return null;
  // The grant's row references the account, so it exists.
  const { account, meter } = getAccountWithMeter(db, grant.account_id)!;
  if (!meter || meter.id !== grant.meter_id) return null;
  return { grant, account, meter };
}

/** The readings form of the grant's meter: previous values as hints, without their dates. */
function form(deps: Deps, token: unknown): GuestForm {
  const subject = subjectOf(deps, token);
  if (!subject) return { kind: 'none' };
  if (subject.grant.used_seq !== null) return { kind: 'used' };
  const full = deps.readings.form(subject.account, subject.meter);
  return { kind: 'open', accountNumber: subject.account.number, meter: subject.meter, form: { ...full, zones: full.zones.map(withoutDate) } };
}

/** A zone's previous value is a hint here; its date would tell a stranger when the holder was in. */
function withoutDate(zone: ZoneState): ZoneState {
  return { ...zone, previous: zone.previous ? { value: zone.previous.value, submittedAt: null } : null };
}

function check(deps: Deps, token: unknown, body: Record<string, unknown>, confirmed: boolean): GuestCheck {
  const subject = subjectOf(deps, token);
  if (!subject || subject.grant.used_seq !== null) return { kind: 'none' };
  return { kind: 'checked', meter: subject.meter, checked: deps.readings.check(subject.account, subject.meter, body, confirmed) };
}

/** One zone's field with its message as the visitor leaves it; null when there is no such field to check. */
function checkField(deps: Deps, token: unknown, zone: number, input: unknown): { field: ZoneState; meter: MeterRow; error: string | null } | null {
  const subject = subjectOf(deps, token);
  if (!subject || subject.grant.used_seq !== null) return null;
  const checked = deps.readings.checkField(subject.account, subject.meter, zone, input);
  return checked ? { field: withoutDate(checked.field), meter: subject.meter, error: checked.error } : null;
}

/**
 * Stores a checked submission through the grant, which is spent in the same transaction: one
 * proof, one submission. Null when the grant is gone or spent (a replayed POST).
 */
function submit(deps: Deps, token: unknown, checked: Extract<CheckedReading, { kind: 'valid' }>, context: AuditContext): number | null {
  return deps.db
    .transaction(() => {
      const subject = subjectOf(deps, token);
      if (!subject || subject.grant.used_seq !== null) return null;
      const seq = deps.readings.submit(subject.account, subject.meter, checked, { userId: null, source: 'customer' }, context);
      if (!spendReadingGrant(deps.db, subject.grant.token_hash, seq)) throw new Error('reading grant spent twice');
      return seq;
    })
    .immediate();
}

/** submit() with its commit shared with the other writes of this turn of the event loop (db/group-commit.ts). */
function submitGrouped(deps: Deps, token: unknown, checked: Extract<CheckedReading, { kind: 'valid' }>, context: AuditContext): Promise<number | null> {
  return deps.commits.run(() => submit(deps, token, checked, context));
}

/** The result of the grant's submission while the grant lasts; null otherwise. */
function done(deps: Deps, token: unknown): GuestDone | null {
  const subject = subjectOf(deps, token);
  if (!subject || subject.grant.used_seq === null) return null;
  const { readings } = deps;
  const rows = readings.submission(subject.account.id, subject.grant.used_seq);
  if (rows.length === 0) return null;
  const consumption = readings.consumptionOf(subject.account.id, subject.meter, rows);
  return { rows, meter: subject.meter, estimate: readings.estimate(subject.account, subject.meter, consumption) };
}
