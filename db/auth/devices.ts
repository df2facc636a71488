// Trusted devices (PIN login), their passkeys, and single-use WebAuthn challenges.
import type { Db } from '../connection.ts';
import { prepared } from '../prepared.ts';

export type DeviceRow = {
  id: number;
  user_id: number;
  token_hash: string;
  pin_hash: string;
  failed_pins: number;
  disabled_at: number | null;
  created_at: number;
  updated_at: number;
  user_agent: string;
};

const deviceColumns = 'id, user_id, token_hash, pin_hash, failed_pins, disabled_at, created_at, updated_at, user_agent';

export function insertDevice(db: Db, row: Omit<DeviceRow, 'id' | 'failed_pins' | 'disabled_at'>): number {
  return Number(
    prepared(db, 'INSERT INTO trusted_devices (user_id, token_hash, pin_hash, created_at, updated_at, user_agent) VALUES (@user_id, @token_hash, @pin_hash, @created_at, @updated_at, @user_agent)').run(row)
      .lastInsertRowid,
  );
}

export function getDeviceByTokenHash(db: Db, tokenHash: string): DeviceRow | undefined {
  return prepared(db, `SELECT ${deviceColumns} FROM trusted_devices WHERE token_hash = ?`).get(tokenHash) as DeviceRow | undefined;
}

export function getDeviceById(db: Db, id: number): DeviceRow | undefined {
  return prepared(db, `SELECT ${deviceColumns} FROM trusted_devices WHERE id = ?`).get(id) as DeviceRow | undefined;
}

/**
 * Counts one PIN attempt before the PIN is checked, so parallel guesses cannot pass the limit;
 * the device is disabled when the count reaches `max`. Returns the count, or null when the
 * device is already disabled (or gone).
 */
export function countPinAttempt(db: Db, id: number, max: number, now: number): number | null {
  const row = prepared(
    db,
    `UPDATE trusted_devices SET failed_pins = failed_pins + 1,
       disabled_at = CASE WHEN failed_pins + 1 >= @max THEN @now ELSE NULL END
     WHERE id = @id AND disabled_at IS NULL AND failed_pins < @max
     RETURNING failed_pins`,
  ).get({ id, max, now }) as { failed_pins: number } | undefined;
  return row ? row.failed_pins : null;
}

export function resetPinAttempts(db: Db, id: number): void {
  prepared(db, 'UPDATE trusted_devices SET failed_pins = 0 WHERE id = ? AND disabled_at IS NULL').run(id);
}

export function updateDevicePin(db: Db, id: number, pinHash: string, now: number): void {
  prepared(db, 'UPDATE trusted_devices SET pin_hash = ?, failed_pins = 0, updated_at = ? WHERE id = ?').run(pinHash, now, id);
}

export function deleteDevice(db: Db, id: number): void {
  prepared(db, 'DELETE FROM trusted_devices WHERE id = ?').run(id);
}

export type PasskeyRow = {
  id: string;
  user_id: number;
  device_id: number;
  public_key: Buffer;
  counter: number;
  transports: string;
  created_at: number;
  last_used_at: number | null;
};

export function insertPasskey(db: Db, row: Omit<PasskeyRow, 'last_used_at'>): void {
  prepared(db, 'INSERT INTO passkeys (id, user_id, device_id, public_key, counter, transports, created_at) VALUES (@id, @user_id, @device_id, @public_key, @counter, @transports, @created_at)').run(row);
}

export function listDevicePasskeys(db: Db, deviceId: number): PasskeyRow[] {
  return prepared(db, 'SELECT id, user_id, device_id, public_key, counter, transports, created_at, last_used_at FROM passkeys WHERE device_id = ? ORDER BY created_at').all(deviceId) as PasskeyRow[];
}

export function updatePasskeyUse(db: Db, id: string, counter: number, now: number): void {
  prepared(db, 'UPDATE passkeys SET counter = ?, last_used_at = ? WHERE id = ?').run(counter, now, id);
}

export function deleteDevicePasskeys(db: Db, deviceId: number): number {
  return prepared(db, 'DELETE FROM passkeys WHERE device_id = ?').run(deviceId).changes;
}

export type ChallengeRow = { challenge: string; purpose: 'register' | 'login'; user_id: number; device_id: number; expires_at: number; used_at: number | null };

export function insertChallenge(db: Db, row: Omit<ChallengeRow, 'used_at'>): void {
  prepared(db, 'INSERT INTO webauthn_challenges (challenge, purpose, user_id, device_id, expires_at) VALUES (@challenge, @purpose, @user_id, @device_id, @expires_at)').run(row);
}

/** Marks a live challenge used and returns it; a used, expired or unknown one gives undefined. */
export function consumeChallenge(db: Db, challenge: string, purpose: ChallengeRow['purpose'], now: number): ChallengeRow | undefined {
  return prepared(
    db,
    `UPDATE webauthn_challenges SET used_at = @now
     WHERE challenge = @challenge AND purpose = @purpose AND used_at IS NULL AND expires_at > @now
     RETURNING challenge, purpose, user_id, device_id, expires_at, used_at`,
  ).get({ challenge, purpose, now }) as ChallengeRow | undefined;
}

export function deleteStaleChallenges(db: Db, before: number): number {
  return prepared(db, 'DELETE FROM webauthn_challenges WHERE expires_at <= ?').run(before).changes;
}
