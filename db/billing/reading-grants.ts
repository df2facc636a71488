// The short-lived grants of readings without logging in (migration 0011), by their token's hash.
import type { Db } from '../connection.ts';
import { prepared } from '../prepared.ts';

export type ReadingGrantRow = {
  token_hash: string;
  account_id: number;
  meter_id: number;
  created_at: number;
  expires_at: number;
  used_seq: number | null;
};

export function insertReadingGrant(db: Db, grant: Omit<ReadingGrantRow, 'used_seq'>): void {
  prepared(
    db,
    `INSERT INTO reading_grants (token_hash, account_id, meter_id, created_at, expires_at)
     VALUES (@token_hash, @account_id, @meter_id, @created_at, @expires_at)`,
  ).run(grant);
}

/** The grant behind a token's hash while it lasts (`now` before its expiry), used or not. */
export function getLiveReadingGrant(db: Db, tokenHash: string, now: number): ReadingGrantRow | undefined {
  return prepared(
    db,
    'SELECT token_hash, account_id, meter_id, created_at, expires_at, used_seq FROM reading_grants WHERE token_hash = ? AND expires_at > ?',
  ).get(tokenHash, now) as ReadingGrantRow | undefined;
}

/** Spends an unused grant on a submission; false when it was spent already (a second POST). */
export function spendReadingGrant(db: Db, tokenHash: string, seq: number): boolean {
  return prepared(db, 'UPDATE reading_grants SET used_seq = ? WHERE token_hash = ? AND used_seq IS NULL').run(seq, tokenHash).changes === 1;
}
