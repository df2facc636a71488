// Центр поддержки: customers' requests with attachments, operators' answers and statuses.
import { findAccounts } from './account-search.ts';
import type { Db } from '../../db/connection.ts';
import {
  getRequest,
  getRequestAttachment,
  getUserRequest,
  insertAttachment,
  insertSupportMessage,
  insertSupportRequest,
  listRequestAttachments,
  listRequestMessages,
  listUserRequests,
  listUserAccountRequests,
  setRequestStatus,
  type AttachmentRow,
  type RequestStatus,
  type SupportMessageRow,
  type SupportRequestRow,
} from '../../db/support/support.ts';
import { getUserById, listUserLinks } from '../../db/auth/users.ts';
import type { Audit, AuditContext } from '../ops/audit.ts';
import type { FieldErrors } from '../auth/auth.ts';
import { bind } from '../platform/bind.ts';
import { nowSeconds, type Clock } from '../platform/clock.ts';
import type { Letters } from '../platform/letters.ts';
import type { Mail } from '../platform/mail.ts';
import { queuePage } from './queue.ts';
import { sanitiseFileName, sniffType, uploadLimits, type Uploads } from './uploads.ts';

export const supportTopics = [
  'Показания и счётчик',
  'Начисления и счёт',
  'Оплата',
  'Личный кабинет',
  'Доставка счетов',
  'Другое',
] as const;

export const statusNames: Record<RequestStatus, string> = {
  new: 'новое',
  in_progress: 'в работе',
  answered: 'ответ дан',
  closed: 'закрыто',
};

export const requestStatuses = Object.keys(statusNames) as RequestStatus[];

export const maxTextChars = 5000;

/** A file as the multipart parser hands it over, before any check. */
export type IncomingFile = { originalname: string; buffer: Buffer; size: number };

export type Conversation = {
  request: SupportRequestRow;
  messages: (SupportMessageRow & { attachments: AttachmentRow[] })[];
};

/** A file that passed checkFiles: its cleaned name, its type read from its bytes, its content. */
type CheckedFile = { name: string; mime: string; buffer: Buffer };

type SupportDeps = { db: Db; clock: Clock; audit: Audit; mail: Mail; letters: Letters; uploads: Uploads; baseUrl: string };

export type Support = ReturnType<typeof createSupport>;

export function createSupport(deps: SupportDeps) {
  return {
    checkFiles,
    ...bind(deps, { listForUser, forUser, file, create, reply, close, queue: queuePage, forOperator, answer, setStatus, findAccounts }),
  };
}

/** Each file checked by its bytes; the first problem is the message for the `files` field. */
function checkFiles(files: IncomingFile[]): { ok: true; files: CheckedFile[] } | { ok: false; errors: FieldErrors } {
  if (files.length > uploadLimits.files) return { ok: false, errors: { files: `Можно приложить не больше ${uploadLimits.files} файлов.` } };
  const checked = [];
  for (const file of files) {
    const name = sanitiseFileName(file.originalname);
    if (file.size === 0) return { ok: false, errors: { files: `Файл «${name}» пустой.` } };
    if (file.size > uploadLimits.fileBytes) return { ok: false, errors: { files: `Файл «${name}» больше 10 МБ.` } };
    const type = sniffType(file.buffer.subarray(0, 16));
    if (!type) {
      return { ok: false, errors: { files: `Файл «${name}» — не изображение и не PDF. Приложите фото (PNG, JPEG, GIF, WebP) или PDF.` } };
    }
    checked.push({ name, mime: type.mime, buffer: file.buffer });
  }
  return { ok: true, files: checked };
}

/** Writes the files, then the rows in one transaction; files of a failed transaction are removed. */
function addMessage(
  { db, clock, uploads }: SupportDeps,
  request: { id: number } | { userId: number; accountId: number; topic: string },
  message: { author: 'customer' | 'operator'; operatorId: number | null; body: string },
  files: CheckedFile[],
  status: RequestStatus | null,
): { requestId: number; messageId: number; attachmentIds: number[] } {
  const stored = files.map((file) => ({ ...file, storedName: uploads.save(file.buffer) }));
  try {
    return db.transaction(() => {
      const now = nowSeconds(clock);
      const requestId = 'id' in request ? request.id : insertSupportRequest(db, { user_id: request.userId, account_id: request.accountId, topic: request.topic, created_at: now });
      const messageId = insertSupportMessage(db, { request_id: requestId, author: message.author, operator_id: message.operatorId, body: message.body, created_at: now });
      const attachmentIds = stored.map((file) =>
        insertAttachment(db, {
          request_id: requestId,
          message_id: messageId,
          stored_name: file.storedName,
          original_name: file.name,
          content_type: file.mime,
          size_bytes: file.buffer.length,
          created_at: now,
        }),
      );
      if (status) setRequestStatus(db, requestId, status, now);
      return { requestId, messageId, attachmentIds };
    })();
  } catch (error) {
    for (const file of stored) uploads.remove(file.storedName);
    throw error;
  }
}

function conversation({ db }: SupportDeps, request: SupportRequestRow): Conversation {
  const attachments = listRequestAttachments(db, request.id);
  return {
    request,
    messages: listRequestMessages(db, request.id).map((m) => ({ ...m, attachments: attachments.filter((a) => a.message_id === m.id) })),
  };
}

/** The user's requests, all of them or those about one account, newest first (at most 200). */
function listForUser({ db }: SupportDeps, userId: number, accountId?: number): SupportRequestRow[] {
  return accountId === undefined ? listUserRequests(db, userId, 200) : listUserAccountRequests(db, userId, accountId, 200);
}

/** The user's own request, or undefined: someone else's is as unknown as a missing one. */
function forUser(deps: SupportDeps, userId: number, requestId: number): Conversation | undefined {
  const request = getUserRequest(deps.db, userId, requestId);
  return request ? conversation(deps, request) : undefined;
}

function file({ db, uploads }: SupportDeps, requestId: number, attachmentId: number): { row: AttachmentRow; path: string } | undefined {
  const row = getRequestAttachment(db, requestId, attachmentId);
  return row ? { row, path: uploads.pathOf(row.stored_name) } : undefined;
}

function create(deps: SupportDeps, userId: number, input: { accountId: number; topic: string; text: string }, files: CheckedFile[], context: AuditContext): number {
  const { requestId } = addMessage(deps, { userId, accountId: input.accountId, topic: input.topic }, { author: 'customer', operatorId: null, body: input.text }, files, null);
  deps.audit.record(context, { event: 'support.created', userId, accountId: input.accountId, detail: { request: requestId, files: files.length } });
  return requestId;
}

/** A customer's reply reopens an answered request: it is in the operators' queue again. */
function reply(deps: SupportDeps, userId: number, request: SupportRequestRow, text: string, files: CheckedFile[], context: AuditContext): void {
  addMessage(deps, { id: request.id }, { author: 'customer', operatorId: null, body: text }, files, request.status === 'answered' || request.status === 'closed' ? 'new' : null);
  deps.audit.record(context, { event: 'support.replied', userId, accountId: request.account_id, detail: { request: request.id, files: files.length } });
}

function close({ db, clock, audit }: SupportDeps, userId: number, request: SupportRequestRow, context: AuditContext): void {
  setRequestStatus(db, request.id, 'closed', nowSeconds(clock));
  audit.record(context, { event: 'support.closed', userId, accountId: request.account_id, detail: { request: request.id } });
}

// The back office.
function forOperator(deps: SupportDeps, requestId: number): Conversation | undefined {
  const request = getRequest(deps.db, requestId);
  return request ? conversation(deps, request) : undefined;
}

/** The operator's answer: stored, the status becomes «ответ дан», the customer gets a letter. */
async function answer(deps: SupportDeps, operatorId: number, request: SupportRequestRow, text: string, files: CheckedFile[], context: AuditContext): Promise<void> {
  const { db, audit, mail, letters } = deps;
  const user = getUserById(db, request.user_id);
  const links = user ? listUserLinks(db, user.id) : [];
  const link = links.find((l) => l.account_id === request.account_id) ?? links[0];
  const letter = user && link ? await letters.supportAnswer({ requestId: request.id, topic: request.topic, link: `${deps.baseUrl}/a/${link.id}/support/${request.id}` }) : null;
  const { messageId } = addMessage(deps, { id: request.id }, { author: 'operator', operatorId, body: text }, files, 'answered');
  if (user && letter) mail.enqueue({ kind: 'support_answer', to: user.email, dedupeKey: `support-answer:${messageId}`, ...letter });
  audit.record(context, { event: 'operator.support_answer', operatorId, accountId: request.account_id, detail: { request: request.id, files: files.length } });
}

function setStatus({ db, clock, audit }: SupportDeps, operatorId: number, request: SupportRequestRow, status: RequestStatus, context: AuditContext): void {
  setRequestStatus(db, request.id, status, nowSeconds(clock));
  audit.record(context, { event: 'operator.support_status', operatorId, accountId: request.account_id, detail: { request: request.id, from: request.status, to: status } });
}
