import type { Db } from '../connection.ts';
import { prepared } from '../prepared.ts';

export type CodePurpose = 'activation' | 'recovery' | 'email_change';

export type CodeRow = {
  id: number;
  user_id: number;
  purpose: CodePurpose;
  code_hash: string;
  link_hash: string | null;
  payload: string | null;
  attempts: number;
  created_at: number;
  expires_at: number;
  used_at: number | null;
};

const codeColumns = 'id, user_id, purpose, code_hash, link_hash, payload, attempts, created_at, expires_at, used_at';

export function insertCode(db: Db, code: Omit<CodeRow, 'id' | 'attempts' | 'used_at'>): number {
  const result = prepared(
    db,
    `INSERT INTO one_time_codes (user_id, purpose, code_hash, link_hash, payload, created_at, expires_at)
     VALUES (@user_id, @purpose, @code_hash, @link_hash, @payload, @created_at, @expires_at)`,
  ).run(code);
  return Number(result.lastInsertRowid);
}

/** The newest unused code of that purpose; older ones are voided when a new one is issued. */
export function getLiveCode(db: Db, userId: number, purpose: CodePurpose): CodeRow | undefined {
  return prepared(
    db,
    `SELECT ${codeColumns} FROM one_time_codes
      WHERE user_id = ? AND purpose = ? AND used_at IS NULL ORDER BY id DESC LIMIT 1`,
  ).get(userId, purpose) as CodeRow | undefined;
}

export function getCodeByLinkHash(db: Db, linkHash: string): CodeRow | undefined {
  return prepared(db, `SELECT ${codeColumns} FROM one_time_codes WHERE link_hash = ?`).get(linkHash) as CodeRow | undefined;
}

export function voidCodes(db: Db, userId: number, purpose: CodePurpose, at: number): void {
  prepared(db, 'UPDATE one_time_codes SET used_at = ? WHERE user_id = ? AND purpose = ? AND used_at IS NULL').run(at, userId, purpose);
}

export function markCodeUsed(db: Db, id: number, at: number): boolean {
  return prepared(db, 'UPDATE one_time_codes SET used_at = ? WHERE id = ? AND used_at IS NULL').run(at, id).changes === 1;
}

export function countCodeAttempt(db: Db, id: number): number {
  return (prepared(db, 'UPDATE one_time_codes SET attempts = attempts + 1 WHERE id = ? RETURNING attempts').get(id) as { attempts: number })
    .attempts;
}
