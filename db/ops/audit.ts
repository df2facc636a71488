import type { Db } from '../connection.ts';
import { prepared } from '../prepared.ts';

export type AuditEntry = {
  at: number;
  event: string;
  user_id: number | null;
  operator_id?: number | null;
  account_id: number | null;
  ip: string;
  detail: string | null;
};

export function insertAuditEntry(db: Db, entry: AuditEntry): void {
  prepared(
    db,
    `INSERT INTO audit_log (at, event, user_id, operator_id, account_id, ip, detail)
     VALUES (@at, @event, @user_id, @operator_id, @account_id, @ip, @detail)`,
  ).run({ operator_id: null, ...entry });
}

/** The newest entries, all or those whose event starts with `eventPrefix` (letters, '_' and '.' only). */
export function listAuditEntries(db: Db, limit: number, eventPrefix = ''): (AuditEntry & { id: number })[] {
  return prepared(
    db,
    `SELECT id, at, event, user_id, operator_id, account_id, ip, detail FROM audit_log
      WHERE ? = '' OR event GLOB ? || '*'
      ORDER BY id DESC LIMIT ?`,
  ).all(eventPrefix, eventPrefix, limit) as (AuditEntry & { id: number })[];
}
