// PIN login on a trusted device: the device holds a long-lived random cookie (its SHA-256 in the
// database) bound to one user; the 4-digit PIN is hashed with argon2id; five wrong PINs disable the
// device for good, and the user must log in with the password (and set a PIN again).
import type { Db } from '../../db/connection.ts';
import { countPinAttempt, deleteDevice, getDeviceByTokenHash, insertDevice, resetPinAttempts, updateDevicePin, type DeviceRow } from '../../db/auth/devices.ts';
import { getUserById, listUserLinks, type UserRow } from '../../db/auth/users.ts';
import type { Audit } from '../ops/audit.ts';
import type { FieldErrors, RequestContext } from './auth.ts';
import { bind } from '../platform/bind.ts';
import { nowSeconds, type Clock } from '../platform/clock.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import type { Sessions } from './sessions.ts';
import { retryMessage, type Limit, type Throttle } from './throttle.ts';
import { hashSecret, randomToken } from '../platform/tokens.ts';

export const maxPinAttempts = 5;

/** Across devices from one address: a flood of stolen cookies still meets a wall. */
const pinPerIp: Limit = { max: 50, windowSeconds: 15 * 60 };
/** Setting a PIN asks for the password: the same budget as the login form per user. */
const pinSetPerUser: Limit = { max: 5, windowSeconds: 15 * 60 };

export const pinMessages = {
  wrongPin: (left: number) => `Неверный PIN-код. Осталось попыток: ${left}.`,
  locked: 'Вход по PIN-коду на этом устройстве отключён после 5 неверных попыток. Войдите с номером лицевого счёта и паролем и задайте PIN-код заново.',
  noDevice: 'На этом устройстве вход по PIN-коду не настроен. Войдите с номером лицевого счёта и паролем.',
  wrongPassword: 'Неверный пароль.',
} as const;

export type PinCheck = { kind: 'ok' } | { kind: 'wrong'; attemptsLeft: number } | { kind: 'locked' };

export type PinLoginResult =
  | { kind: 'ok'; token: string; primaryLinkId: number; userId: number }
  | { kind: 'wrong'; message: string }
  | { kind: 'locked' }
  | { kind: 'no_device' }
  | { kind: 'throttled'; message: string };

type PinDeps = { db: Db; clock: Clock; audit: Audit; throttle: Throttle; sessions: Sessions };

export type Pin = ReturnType<typeof createPin>;

export function createPin(deps: PinDeps) {
  return bind(deps, { deviceFor, ownDevice, checkPin, setPin, changePin, turnOff, login, verifyLogin });
}

function deviceFor({ db }: PinDeps, cookie: unknown): DeviceRow | undefined {
  return typeof cookie === 'string' && /^[a-z2-7]{32}$/.test(cookie) ? getDeviceByTokenHash(db, hashSecret(cookie)) : undefined;
}

/** The device this cookie names, if it is this user's and still enabled. */
function ownDevice(deps: PinDeps, userId: number, cookie: unknown): DeviceRow | undefined {
  const device = deviceFor(deps, cookie);
  return device && device.user_id === userId && device.disabled_at === null ? device : undefined;
}

/** One attempt, counted before the hash is checked so that parallel guesses cannot pass the limit. */
async function checkPin({ db, clock, audit }: PinDeps, device: DeviceRow, pin: string, context: RequestContext): Promise<PinCheck> {
  const count = countPinAttempt(db, device.id, maxPinAttempts, nowSeconds(clock));
  if (count === null) return { kind: 'locked' };
  if (await verifyPassword(device.pin_hash, pin)) {
    resetPinAttempts(db, device.id);
    return { kind: 'ok' };
  }
  audit.record(context, { event: count >= maxPinAttempts ? 'pin.locked' : 'pin.failed', userId: device.user_id, detail: { device: device.id, attempts: count } });
  return count >= maxPinAttempts ? { kind: 'locked' } : { kind: 'wrong', attemptsLeft: maxPinAttempts - count };
}

/** Checks a device token (the cookie, or what the app keeps) and its PIN; audits the login. */
async function verifyLogin(
  deps: PinDeps,
  deviceToken: unknown,
  pin: string,
  context: RequestContext,
): Promise<{ kind: 'ok'; user: UserRow } | Exclude<PinLoginResult, { kind: 'ok' }>> {
  const { db, audit, throttle } = deps;
  const ipKey = `pin:ip:${context.ip}`;
  const verdict = throttle.check(ipKey, pinPerIp);
  if (!verdict.allowed) return { kind: 'throttled', message: retryMessage(verdict.retryAfterSeconds) };
  const device = deviceFor(deps, deviceToken);
  if (!device) {
    throttle.hit(ipKey);
    audit.record(context, { event: 'pin.no_device' });
    return { kind: 'no_device' };
  }
  if (device.disabled_at !== null) return { kind: 'locked' };
  const user = getUserById(db, device.user_id);
  if (!user || user.activated_at === null) return { kind: 'no_device' };
  const check = await checkPin(deps, device, pin, context);
  if (check.kind === 'locked') return { kind: 'locked' };
  if (check.kind === 'wrong') {
    throttle.hit(ipKey);
    return { kind: 'wrong', message: pinMessages.wrongPin(check.attemptsLeft) };
  }
  audit.record(context, { event: 'login.pin', userId: user.id, accountId: user.account_id, detail: { device: device.id } });
  return { kind: 'ok', user };
}

/**
 * Sets the PIN after the password: on this user's enabled device the PIN changes; otherwise a
 * new device is made and its cookie value returned (a disabled device of theirs is replaced).
 */
async function setPin(deps: PinDeps, user: UserRow, input: { password: string; pin: string }, cookie: unknown, context: RequestContext): Promise<{ ok: true; deviceToken: string | null } | { ok: false; errors: FieldErrors }> {
  const { db, clock, audit, throttle } = deps;
  const key = `pin-set:user:${user.id}`;
  const verdict = throttle.check(key, pinSetPerUser);
  if (!verdict.allowed) return { ok: false, errors: { password: retryMessage(verdict.retryAfterSeconds) } };
  if (!(await verifyPassword(user.password_hash, input.password))) {
    throttle.hit(key);
    audit.record(context, { event: 'pin.set_wrong_password', userId: user.id });
    return { ok: false, errors: { password: pinMessages.wrongPassword } };
  }
  throttle.reset(key);
  const pinHash = await hashPassword(input.pin);
  const now = nowSeconds(clock);
  const current = ownDevice(deps, user.id, cookie);
  if (current) {
    updateDevicePin(db, current.id, pinHash, now);
    audit.record(context, { event: 'pin.changed', userId: user.id, detail: { device: current.id } });
    return { ok: true, deviceToken: null };
  }
  const stale = deviceFor(deps, cookie);
  if (stale && stale.user_id === user.id) deleteDevice(db, stale.id);
  const deviceToken = randomToken();
  const id = insertDevice(db, { user_id: user.id, token_hash: hashSecret(deviceToken), pin_hash: pinHash, created_at: now, updated_at: now, user_agent: context.userAgent.slice(0, 300) });
  audit.record(context, { event: 'pin.set', userId: user.id, detail: { device: id } });
  return { ok: true, deviceToken };
}

/** «Изменить PIN-код»: the current PIN (a wrong one counts towards the lockout), then the new one. */
async function changePin(deps: PinDeps, user: UserRow, input: { currentPin: string; pin: string }, cookie: unknown, context: RequestContext): Promise<{ ok: true } | { ok: false; errors: FieldErrors; locked?: true }> {
  const device = ownDevice(deps, user.id, cookie);
  if (!device) return { ok: false, errors: { currentPin: pinMessages.noDevice } };
  const check = await checkPin(deps, device, input.currentPin, context);
  if (check.kind === 'locked') return { ok: false, errors: { currentPin: pinMessages.locked }, locked: true };
  if (check.kind === 'wrong') return { ok: false, errors: { currentPin: pinMessages.wrongPin(check.attemptsLeft) } };
  updateDevicePin(deps.db, device.id, await hashPassword(input.pin), nowSeconds(deps.clock));
  deps.audit.record(context, { event: 'pin.changed', userId: user.id, detail: { device: device.id } });
  return { ok: true };
}

/** Turns PIN login off on this device: the device and its passkeys are forgotten. */
function turnOff(deps: PinDeps, user: UserRow, cookie: unknown, context: RequestContext): boolean {
  const device = deviceFor(deps, cookie);
  if (!device || device.user_id !== user.id) return false;
  deleteDevice(deps.db, device.id);
  deps.audit.record(context, { event: 'pin.off', userId: user.id, detail: { device: device.id } });
  return true;
}

/** PIN login: the device decides whose cabinet opens, so a cookie can only ever open its own user's. */
async function login(deps: PinDeps, cookie: unknown, pin: string, context: RequestContext): Promise<PinLoginResult> {
  const verified = await verifyLogin(deps, cookie, pin, context);
  if (verified.kind !== 'ok') return verified;
  const token = deps.sessions.create(verified.user.id, context);
  return { kind: 'ok', token, primaryLinkId: listUserLinks(deps.db, verified.user.id)[0].id, userId: verified.user.id };
}
