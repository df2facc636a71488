// The operators' queue of support requests: newest first, 100 a page, by status, paged by id so a
// page is one index range however deep (links «Новее» / «Старше» carry the cursor; no JS needed).
import type { Db } from '../../db/connection.ts';
import { listQueuePage, type QueueFilter, type SupportRequestRow } from '../../db/support/support.ts';

export const queuePageSize = 100;

export type QueueCursor = { before?: number; after?: number };

export type QueuePage = {
  filter: QueueFilter;
  requests: SupportRequestRow[];
  /** The cursor of the page above this one (newer requests), or null on the first page. */
  newer: QueueCursor | null;
  /** The cursor of the page below (older requests), or null when this page reaches the oldest. */
  older: QueueCursor | null;
};

const top = Number.MAX_SAFE_INTEGER;

export function queuePage({ db }: { db: Db }, filter: QueueFilter, cursor: QueueCursor = {}): QueuePage {
  if (cursor.after !== undefined && cursor.before === undefined) {
    // Going up: the rows just above the cursor, oldest first, turned round; below them is at least the cursor's row.
    const rows = listQueuePage(db, filter, 'newer', cursor.after, queuePageSize + 1);
    const requests = rows.slice(0, queuePageSize).reverse();
    const newer = rows.length > queuePageSize ? { after: requests[0].id } : null;
    return { filter, requests, newer, older: { before: requests.length > 0 ? requests[requests.length - 1].id : cursor.after + 1 } };
  }
  const rows = listQueuePage(db, filter, 'older', cursor.before ?? top, queuePageSize + 1);
  const requests = rows.slice(0, queuePageSize);
  const older = rows.length > queuePageSize ? { before: requests[requests.length - 1].id } : null;
  const newer = cursor.before === undefined ? null : { after: requests.length > 0 ? requests[0].id : cursor.before - 1 };
  return { filter, requests, newer, older };
}
