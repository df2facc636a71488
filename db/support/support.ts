// SQL of the support centre: requests, their messages and attachments.
import type { Db } from '../connection.ts';
import { prepared } from '../prepared.ts';

export type RequestStatus = 'new' | 'in_progress' | 'answered' | 'closed';

export type SupportRequestRow = {
  id: number;
  user_id: number;
  account_id: number;
  topic: string;
  status: RequestStatus;
  created_at: number;
  updated_at: number;
  number: string;
  address: string;
};

export type SupportMessageRow = {
  id: number;
  request_id: number;
  author: 'customer' | 'operator';
  operator_id: number | null;
  operator_name: string | null;
  body: string;
  created_at: number;
};

export type AttachmentRow = {
  id: number;
  request_id: number;
  message_id: number;
  stored_name: string;
  original_name: string;
  content_type: string;
  size_bytes: number;
  created_at: number;
};

const requestColumns = `r.id, r.user_id, r.account_id, r.topic, r.status, r.created_at, r.updated_at, a.number, a.address`;

export function insertSupportRequest(db: Db, row: { user_id: number; account_id: number; topic: string; created_at: number }): number {
  return Number(
    prepared(
      db,
      `INSERT INTO support_requests (user_id, account_id, topic, status, created_at, updated_at)
       VALUES (@user_id, @account_id, @topic, 'new', @created_at, @created_at)`,
    ).run(row).lastInsertRowid,
  );
}

export function insertSupportMessage(db: Db, row: { request_id: number; author: 'customer' | 'operator'; operator_id: number | null; body: string; created_at: number }): number {
  return Number(
    prepared(
      db,
      `INSERT INTO support_messages (request_id, author, operator_id, body, created_at)
       VALUES (@request_id, @author, @operator_id, @body, @created_at)`,
    ).run(row).lastInsertRowid,
  );
}

export function insertAttachment(db: Db, row: Omit<AttachmentRow, 'id'>): number {
  return Number(
    prepared(
      db,
      `INSERT INTO support_attachments (request_id, message_id, stored_name, original_name, content_type, size_bytes, created_at)
       VALUES (@request_id, @message_id, @stored_name, @original_name, @content_type, @size_bytes, @created_at)`,
    ).run(row).lastInsertRowid,
  );
}

export function setRequestStatus(db: Db, requestId: number, status: RequestStatus, at: number): boolean {
  return prepared(db, 'UPDATE support_requests SET status = ?, updated_at = ? WHERE id = ?').run(status, at, requestId).changes === 1;
}

export function getUserRequest(db: Db, userId: number, requestId: number): SupportRequestRow | undefined {
  return prepared(
    db,
    `SELECT ${requestColumns} FROM support_requests r JOIN accounts a ON a.id = r.account_id WHERE r.id = ? AND r.user_id = ?`,
  ).get(requestId, userId) as SupportRequestRow | undefined;
}

export function getRequest(db: Db, requestId: number): SupportRequestRow | undefined {
  return prepared(db, `SELECT ${requestColumns} FROM support_requests r JOIN accounts a ON a.id = r.account_id WHERE r.id = ?`).get(requestId) as
    | SupportRequestRow
    | undefined;
}

export function listUserRequests(db: Db, userId: number, limit: number): SupportRequestRow[] {
  return prepared(
    db,
    `SELECT ${requestColumns} FROM support_requests r JOIN accounts a ON a.id = r.account_id
      WHERE r.user_id = ? ORDER BY r.id DESC LIMIT ?`,
  ).all(userId, limit) as SupportRequestRow[];
}

/** The user's requests about one of their accounts, newest first. */
export function listUserAccountRequests(db: Db, userId: number, accountId: number, limit: number): SupportRequestRow[] {
  return prepared(
    db,
    `SELECT ${requestColumns} FROM support_requests r JOIN accounts a ON a.id = r.account_id
      WHERE r.user_id = ? AND r.account_id = ? ORDER BY r.id DESC LIMIT ?`,
  ).all(userId, accountId, limit) as SupportRequestRow[];
}

const queueFrom = `SELECT ${requestColumns} FROM support_requests r JOIN accounts a ON a.id = r.account_id`;
// INDEXED BY: left to itself the planner reads the two statuses' ranges of support_requests_by_status and sorts them.
const openFrom = `SELECT ${requestColumns} FROM support_requests r INDEXED BY support_requests_open JOIN accounts a ON a.id = r.account_id`;
const openRequests = `r.status IN ('new', 'in_progress')`;

/**
 * The operators' queue, newest first, a page at a time by id: `older` reads below a cursor, `newer`
 * above one (ascending; the caller turns it round). Each reads one index range: the partial index
 * support_requests_open for «новые и в работе» (its WHERE is the same text), support_requests_by_status
 * for one status, the primary key for all.
 */
export const supportQueueQueries = {
  openOlder: `${openFrom} WHERE ${openRequests} AND r.id < ? ORDER BY r.id DESC LIMIT ?`,
  openNewer: `${openFrom} WHERE ${openRequests} AND r.id > ? ORDER BY r.id LIMIT ?`,
  statusOlder: `${queueFrom} WHERE r.status = ? AND r.id < ? ORDER BY r.id DESC LIMIT ?`,
  statusNewer: `${queueFrom} WHERE r.status = ? AND r.id > ? ORDER BY r.id LIMIT ?`,
  allOlder: `${queueFrom} WHERE r.id < ? ORDER BY r.id DESC LIMIT ?`,
  allNewer: `${queueFrom} WHERE r.id > ? ORDER BY r.id LIMIT ?`,
};

export type QueueFilter = RequestStatus | 'open' | 'all';

/** One page of the queue from a cursor id: `older` newest first below it, `newer` oldest first above it. */
export function listQueuePage(db: Db, filter: QueueFilter, direction: 'older' | 'newer', cursor: number, limit: number): SupportRequestRow[] {
  const older = direction === 'older';
  if (filter === 'open') return prepared(db, older ? supportQueueQueries.openOlder : supportQueueQueries.openNewer).all(cursor, limit) as SupportRequestRow[];
  if (filter === 'all') return prepared(db, older ? supportQueueQueries.allOlder : supportQueueQueries.allNewer).all(cursor, limit) as SupportRequestRow[];
  return prepared(db, older ? supportQueueQueries.statusOlder : supportQueueQueries.statusNewer).all(filter, cursor, limit) as SupportRequestRow[];
}

export function listRequestMessages(db: Db, requestId: number): SupportMessageRow[] {
  return prepared(
    db,
    `SELECT m.id, m.request_id, m.author, m.operator_id, o.name AS operator_name, m.body, m.created_at
       FROM support_messages m LEFT JOIN operators o ON o.id = m.operator_id
      WHERE m.request_id = ? ORDER BY m.id`,
  ).all(requestId) as SupportMessageRow[];
}

export function listRequestAttachments(db: Db, requestId: number): AttachmentRow[] {
  return prepared(
    db,
    `SELECT id, request_id, message_id, stored_name, original_name, content_type, size_bytes, created_at
       FROM support_attachments WHERE request_id = ? ORDER BY id`,
  ).all(requestId) as AttachmentRow[];
}

export function getRequestAttachment(db: Db, requestId: number, attachmentId: number): AttachmentRow | undefined {
  return prepared(
    db,
    `SELECT id, request_id, message_id, stored_name, original_name, content_type, size_bytes, created_at
       FROM support_attachments WHERE request_id = ? AND id = ?`,
  ).get(requestId, attachmentId) as AttachmentRow | undefined;
}

/** Stored names of every attachment of a user's requests (to delete the files with the cabinet). */
export function listUserAttachmentNames(db: Db, userId: number): string[] {
  return (
    prepared(
      db,
      `SELECT t.stored_name FROM support_attachments t JOIN support_requests r ON r.id = t.request_id WHERE r.user_id = ?`,
    ).all(userId) as { stored_name: string }[]
  ).map((row) => row.stored_name);
}

export function deleteUserRequests(db: Db, userId: number): number {
  return prepared(db, 'DELETE FROM support_requests WHERE user_id = ?').run(userId).changes;
}

export type AccountHit = { id: number; number: string; holder: string; address: string };

/** Operators' search: an account number (whole or its start) or a piece of the address. */
export function searchAccounts(db: Db, query: string, limit: number): AccountHit[] {
  if (/^\d{1,9}$/.test(query)) {
    return prepared(db, 'SELECT id, number, holder, address FROM accounts WHERE number >= ? AND number < ? ORDER BY number LIMIT ?').all(
      query,
      `${query}:`,
      limit,
    ) as AccountHit[];
  }
  const pattern = `%${query.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return prepared(db, "SELECT id, number, holder, address FROM accounts WHERE address LIKE ? ESCAPE '\\' ORDER BY address, number LIMIT ?").all(
    pattern,
    limit,
  ) as AccountHit[];
}
