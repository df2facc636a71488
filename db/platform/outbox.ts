import type { Db } from '../connection.ts';
import { prepared } from '../prepared.ts';

export type OutboxRow = {
  id: number;
  kind: string;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string | null;
  /** Extra headers of this letter, a JSON object (List-Unsubscribe and the like), or null. */
  headers: string | null;
  created_at: number;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  sent_at: number | null;
};

export type AttachmentRow = { filename: string; content_type: string; content: Buffer };

const outboxColumns = 'id, kind, to_address, subject, text_body, html_body, headers, created_at, attempts, next_attempt_at, last_error, sent_at';

export function insertOutboxMessage(
  db: Db,
  message: Omit<OutboxRow, 'id' | 'attempts' | 'next_attempt_at' | 'last_error' | 'sent_at'> & { dedupe_key: string | null },
): number | null {
  const result = prepared(
    db,
    `INSERT INTO outbox (kind, to_address, subject, text_body, html_body, headers, dedupe_key, created_at, next_attempt_at)
     VALUES (@kind, @to_address, @subject, @text_body, @html_body, @headers, @dedupe_key, @created_at, @created_at)
     ON CONFLICT (dedupe_key) DO NOTHING`,
  ).run(message);
  return result.changes === 1 ? Number(result.lastInsertRowid) : null;
}

export function insertOutboxAttachment(db: Db, messageId: number, attachment: AttachmentRow): void {
  prepared(
    db,
    'INSERT INTO outbox_attachments (message_id, filename, content_type, content) VALUES (?, ?, ?, ?)',
  ).run(messageId, attachment.filename, attachment.content_type, attachment.content);
}

export function listOutboxAttachments(db: Db, messageId: number): AttachmentRow[] {
  return prepared(db, 'SELECT filename, content_type, content FROM outbox_attachments WHERE message_id = ? ORDER BY id').all(
    messageId,
  ) as AttachmentRow[];
}

export function listDueOutboxMessages(db: Db, now: number, limit: number): OutboxRow[] {
  return prepared(
    db,
    `SELECT ${outboxColumns} FROM outbox WHERE sent_at IS NULL AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?`,
  ).all(now, limit) as OutboxRow[];
}

export function getOutboxMessage(db: Db, id: number): OutboxRow | undefined {
  return prepared(db, `SELECT ${outboxColumns} FROM outbox WHERE id = ?`).get(id) as OutboxRow | undefined;
}

export function listRecentOutboxMessages(db: Db, limit: number): OutboxRow[] {
  return prepared(db, `SELECT ${outboxColumns} FROM outbox ORDER BY id DESC LIMIT ?`).all(limit) as OutboxRow[];
}

export function markOutboxSent(db: Db, id: number, at: number): void {
  prepared(db, 'UPDATE outbox SET sent_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?').run(at, id);
}

export function markOutboxFailed(db: Db, id: number, error: string, nextAttemptAt: number): void {
  prepared(db, 'UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?').run(error, nextAttemptAt, id);
}
