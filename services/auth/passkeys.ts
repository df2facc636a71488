// «Использовать биометрию»: WebAuthn passkeys (platform authenticator, user verification required)
// enrolled on a trusted device after its PIN, and login with them on that device. Challenges are
// stored with an expiry and used at most once.
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type AuthenticatorTransport,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { Db } from '../../db/connection.ts';
import { consumeChallenge, deleteDevicePasskeys, deleteStaleChallenges, insertChallenge, insertPasskey, listDevicePasskeys, updatePasskeyUse, type DeviceRow } from '../../db/auth/devices.ts';
import { getUserById, listUserLinks, type UserRow } from '../../db/auth/users.ts';
import type { Audit } from '../ops/audit.ts';
import type { RequestContext } from './auth.ts';
import { nowSeconds, type Clock } from '../platform/clock.ts';
import { bind } from '../platform/bind.ts';
import type { Pin } from './pin.ts';
import { pinMessages } from './pin.ts';
import type { Sessions } from './sessions.ts';
import { retryMessage, type Limit, type Throttle } from './throttle.ts';

const challengeTtlSeconds = 5 * 60;
const passkeyLoginPerIp: Limit = { max: 50, windowSeconds: 15 * 60 };

export type PasskeyFailure = { ok: false; status: number; code: string; message: string };

export const passkeyMessages = {
  needsPin: 'Сначала задайте PIN-код на этом устройстве: биометрия включается только вместе с ним.',
  failed: 'Не удалось подтвердить ключ доступа. Попробуйте ещё раз или войдите по PIN-коду.',
  noPasskey: 'На этом устройстве биометрия не включена. Войдите по PIN-коду или паролем.',
} as const;

/** The challenge the browser signed, read from clientDataJSON (base64url JSON); null when unreadable. */
function signedChallenge(response: { response?: { clientDataJSON?: unknown } }): string | null {
  const encoded = response.response?.clientDataJSON;
  if (typeof encoded !== 'string' || encoded.length > 4096) return null;
  try {
    const data = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')) as { challenge?: unknown };
    return typeof data.challenge === 'string' && /^[\w-]{16,128}$/.test(data.challenge) ? data.challenge : null;
  } catch {
    return null;
  }
}

type PasskeysDeps = {
  db: Db;
  clock: Clock;
  audit: Audit;
  throttle: Throttle;
  sessions: Sessions;
  pin: Pin;
  rp: { id: string; origin: string; name: string };
};

export type Passkeys = ReturnType<typeof createPasskeys>;

export function createPasskeys(deps: PasskeysDeps) {
  return bind(deps, { enabledOn, registrationOptions, register, turnOff, loginOptions, login, verifyLogin });
}

function fail(status: number, code: string, message: string): PasskeyFailure {
  return { ok: false, status, code, message };
}

function storeChallenge({ db, clock }: PasskeysDeps, challenge: string, purpose: 'register' | 'login', device: DeviceRow): void {
  const now = nowSeconds(clock);
  deleteStaleChallenges(db, now);
  insertChallenge(db, { challenge, purpose, user_id: device.user_id, device_id: device.id, expires_at: now + challengeTtlSeconds });
}

function enabledOn({ db }: PasskeysDeps, deviceId: number): boolean {
  return listDevicePasskeys(db, deviceId).length > 0;
}

/** Enrolment, step 1: only on this user's device with a PIN, and only after that PIN. */
async function registrationOptions(deps: PasskeysDeps, user: UserRow, accountNumber: string, cookie: unknown, typedPin: string, context: RequestContext): Promise<{ ok: true; options: PublicKeyCredentialCreationOptionsJSON } | PasskeyFailure> {
  const { db, pin, rp } = deps;
  const device = pin.ownDevice(user.id, cookie);
  if (!device) return fail(403, 'pin_required', passkeyMessages.needsPin);
  const check = await pin.checkPin(device, typedPin, context);
  if (check.kind === 'locked') return fail(403, 'pin_locked', pinMessages.locked);
  if (check.kind === 'wrong') return fail(422, 'wrong_pin', pinMessages.wrongPin(check.attemptsLeft));
  const options = await generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userName: accountNumber,
    userDisplayName: `Лицевой счёт ${accountNumber}`,
    userID: new TextEncoder().encode(`svet-user-${user.id}`),
    attestationType: 'none',
    excludeCredentials: listDevicePasskeys(db, device.id).map((p) => ({ id: p.id, transports: JSON.parse(p.transports) as AuthenticatorTransport[] })),
    authenticatorSelection: { authenticatorAttachment: 'platform', residentKey: 'preferred', userVerification: 'required' },
    timeout: challengeTtlSeconds * 1000,
  });
  storeChallenge(deps, options.challenge, 'register', device);
  return { ok: true, options };
}

/** Enrolment, step 2: the signed challenge must be a live one issued to this user on this device. */
async function register(deps: PasskeysDeps, user: UserRow, cookie: unknown, response: RegistrationResponseJSON, context: RequestContext): Promise<{ ok: true } | PasskeyFailure> {
  const { db, clock, audit, pin, rp } = deps;
  const device = pin.ownDevice(user.id, cookie);
  if (!device) return fail(403, 'pin_required', passkeyMessages.needsPin);
  const challenge = signedChallenge(response);
  const issued = challenge ? consumeChallenge(db, challenge, 'register', nowSeconds(clock)) : undefined;
  if (!issued || issued.user_id !== user.id || issued.device_id !== device.id) {
    audit.record(context, { event: 'passkey.register_bad_challenge', userId: user.id });
    return fail(400, 'bad_challenge', passkeyMessages.failed);
  }
  try {
    const verified = await verifyRegistrationResponse({ response, expectedChallenge: issued.challenge, expectedOrigin: rp.origin, expectedRPID: rp.id, requireUserVerification: true });
    if (!verified.verified) return fail(400, 'not_verified', passkeyMessages.failed);
    const { credential } = verified.registrationInfo;
    insertPasskey(db, {
      id: credential.id,
      user_id: user.id,
      device_id: device.id,
      public_key: Buffer.from(credential.publicKey),
      counter: credential.counter,
      transports: JSON.stringify(credential.transports ?? []),
      created_at: nowSeconds(clock),
    });
  } catch (error) {
    audit.record(context, { event: 'passkey.register_failed', userId: user.id, detail: { reason: String((error as Error).message).slice(0, 200) } });
    return fail(400, 'not_verified', passkeyMessages.failed);
  }
  audit.record(context, { event: 'passkey.registered', userId: user.id, detail: { device: device.id } });
  return { ok: true };
}

function turnOff({ db, audit, pin }: PasskeysDeps, user: UserRow, cookie: unknown, context: RequestContext): boolean {
  const device = pin.ownDevice(user.id, cookie);
  if (!device) return false;
  deleteDevicePasskeys(db, device.id);
  audit.record(context, { event: 'passkey.off', userId: user.id, detail: { device: device.id } });
  return true;
}

/** Login, step 1: a challenge for this device's passkeys. */
async function loginOptions(deps: PasskeysDeps, cookie: unknown): Promise<{ ok: true; options: PublicKeyCredentialRequestOptionsJSON } | PasskeyFailure> {
  const { db, pin, rp } = deps;
  const device = pin.deviceFor(cookie);
  if (!device) return fail(403, 'no_device', pinMessages.noDevice);
  if (device.disabled_at !== null) return fail(403, 'device_locked', pinMessages.locked);
  const keys = listDevicePasskeys(db, device.id);
  if (keys.length === 0) return fail(403, 'no_passkey', passkeyMessages.noPasskey);
  const options = await generateAuthenticationOptions({
    rpID: rp.id,
    userVerification: 'required',
    allowCredentials: keys.map((k) => ({ id: k.id, transports: JSON.parse(k.transports) as AuthenticatorTransport[] })),
    timeout: challengeTtlSeconds * 1000,
  });
  storeChallenge(deps, options.challenge, 'login', device);
  return { ok: true, options };
}

/** Login, step 2 on the web: the passkey verified, then a normal session. */
async function login(deps: PasskeysDeps, cookie: unknown, response: AuthenticationResponseJSON, context: RequestContext): Promise<{ ok: true; token: string; primaryLinkId: number } | PasskeyFailure> {
  const verified = await verifyLogin(deps, cookie, response, context);
  if (!verified.ok) return verified;
  const token = deps.sessions.create(verified.user.id, context);
  return { ok: true, token, primaryLinkId: listUserLinks(deps.db, verified.user.id)[0].id };
}

/** A live challenge of this device, one of its passkeys, the user verified (the web and the API). */
async function verifyLogin(deps: PasskeysDeps, cookie: unknown, response: AuthenticationResponseJSON, context: RequestContext): Promise<{ ok: true; user: UserRow } | PasskeyFailure> {
  const { db, clock, audit, throttle, pin, rp } = deps;
  const ipKey = `passkey:ip:${context.ip}`;
  const verdict = throttle.check(ipKey, passkeyLoginPerIp);
  if (!verdict.allowed) return fail(429, 'throttled', retryMessage(verdict.retryAfterSeconds));
  throttle.hit(ipKey);
  const device = pin.deviceFor(cookie);
  if (!device || device.disabled_at !== null) return fail(403, 'no_device', pinMessages.noDevice);
  const challenge = signedChallenge(response);
  const issued = challenge ? consumeChallenge(db, challenge, 'login', nowSeconds(clock)) : undefined;
  if (!issued || issued.device_id !== device.id) {
    audit.record(context, { event: 'passkey.login_bad_challenge', userId: device.user_id });
    return fail(400, 'bad_challenge', passkeyMessages.failed);
  }
  const key = listDevicePasskeys(db, device.id).find((k) => k.id === response.id);
  const user = getUserById(db, device.user_id);
  if (!key || !user || user.activated_at === null) return fail(400, 'unknown_passkey', passkeyMessages.failed);
  try {
    const verified = await verifyAuthenticationResponse({
      response,
      expectedChallenge: issued.challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      requireUserVerification: true,
      credential: { id: key.id, publicKey: new Uint8Array(key.public_key), counter: key.counter, transports: JSON.parse(key.transports) as AuthenticatorTransport[] },
    });
    if (!verified.verified) return fail(400, 'not_verified', passkeyMessages.failed);
    updatePasskeyUse(db, key.id, verified.authenticationInfo.newCounter, nowSeconds(clock));
  } catch (error) {
    audit.record(context, { event: 'passkey.login_failed', userId: user.id, detail: { reason: String((error as Error).message).slice(0, 200) } });
    return fail(400, 'not_verified', passkeyMessages.failed);
  }
  audit.record(context, { event: 'login.passkey', userId: user.id, accountId: user.account_id, detail: { device: device.id } });
  return { ok: true, user };
}
