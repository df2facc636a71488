// Deletes for the retention job, each a bounded chunk so the writer is never held for long.
import type { Db } from '../connection.ts';
import { prepared } from '../prepared.ts';

export const purgeChunk = 1000;

export function deleteExpiredSessions(db: Db, idleBefore: number, createdBefore: number): number {
  return prepared(db, `DELETE FROM sessions WHERE id IN (SELECT id FROM sessions WHERE last_seen_at < ? OR created_at < ? LIMIT ${purgeChunk})`).run(idleBefore, createdBefore).changes;
}

export function deleteExpiredOperatorSessions(db: Db, idleBefore: number, createdBefore: number): number {
  return prepared(db, `DELETE FROM operator_sessions WHERE id IN (SELECT id FROM operator_sessions WHERE last_seen_at < ? OR created_at < ? LIMIT ${purgeChunk})`).run(idleBefore, createdBefore).changes;
}

/** Codes past their expiry or used, after a day's grace (a customer may still click an old link and be told it expired). */
export function deleteDeadCodes(db: Db, before: number): number {
  return prepared(db, `DELETE FROM one_time_codes WHERE id IN (SELECT id FROM one_time_codes WHERE expires_at < @before OR used_at < @before LIMIT ${purgeChunk})`).run({ before }).changes;
}

/** Sent letters older than the cut; their attachments go by ON DELETE CASCADE. */
export function deleteSentOutbox(db: Db, sentBefore: number): number {
  return prepared(db, `DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE sent_at IS NOT NULL AND sent_at < ? ORDER BY id LIMIT ${purgeChunk})`).run(sentBefore).changes;
}

export function deleteOldAudit(db: Db, before: number): number {
  return prepared(db, `DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log WHERE at < ? ORDER BY at LIMIT ${purgeChunk})`).run(before).changes;
}

/** Throttle attempts older than any window (the longest is an hour; a day is kept). */
export function deleteOldThrottleHits(db: Db, beforeMs: number): number {
  return prepared(db, `DELETE FROM throttle_hits WHERE rowid IN (SELECT rowid FROM throttle_hits WHERE at_ms < ? LIMIT ${purgeChunk})`).run(beforeMs).changes;
}

/** Grants of readings without logging in past their expiry (they last minutes; nothing is kept after). */
export function deleteExpiredReadingGrants(db: Db, before: number): number {
  return prepared(db, `DELETE FROM reading_grants WHERE token_hash IN (SELECT token_hash FROM reading_grants WHERE expires_at < ? LIMIT ${purgeChunk})`).run(before).changes;
}

/** Clears the receipt e-mail of payments made before the cut, oldest first (the partial index payments_with_email). */
export function clearOldPaymentEmails(db: Db, createdBefore: number): number {
  return prepared(db, `UPDATE payments SET email = NULL WHERE id IN (SELECT id FROM payments WHERE email IS NOT NULL AND created_at < ? ORDER BY created_at LIMIT ${purgeChunk})`).run(createdBefore).changes;
}
