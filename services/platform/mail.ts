// Every letter goes through the outbox table first, so a mail failure never loses one.
// With SMTP configured a worker sends due letters and retries with backoff; without it the
// letters stay in the outbox, readable at the dev mailbox page.
import nodemailer, { type Transporter } from 'nodemailer';
import type { Db } from '../../db/connection.ts';
import {
  getOutboxMessage,
  insertOutboxAttachment,
  insertOutboxMessage,
  listDueOutboxMessages,
  listOutboxAttachments,
  listRecentOutboxMessages,
  markOutboxFailed,
  markOutboxSent,
  type OutboxRow,
} from '../../db/platform/outbox.ts';
import { bind } from './bind.ts';
import { nowSeconds, type Clock } from './clock.ts';

export type Letter = {
  kind: string;
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** Headers of this letter only, e.g. List-Unsubscribe (RFC 8058). */
  headers?: Record<string, string>;
  dedupeKey?: string;
  attachments?: { filename: string; contentType: string; content: Buffer }[];
};

/**
 * sendOnEnqueue (default true): a new letter starts a send at once in this process. Off when
 * several processes share the outbox: then only the one running the worker (the holder of the
 * background jobs) sends, and a letter written elsewhere goes at the worker's next look.
 */
type MailOptions = { smtpUrl: string | null; from: string; sendOnEnqueue?: boolean };

/** The outbox's database, the SMTP transport (null without SMTP) and the worker's state. */
type MailContext = {
  db: Db;
  clock: Clock;
  options: MailOptions;
  transport: Transporter | null;
  state: {
    flushing: Promise<void> | null;
    again: boolean;
    timer: NodeJS.Timeout | null;
  };
};

export type Mail = ReturnType<typeof createMail>;

const batchSize = 50;
const maxBackoffSeconds = 3600;

export function createMail(db: Db, clock: Clock, options: MailOptions) {
  const transport: Transporter | null = options.smtpUrl ? nodemailer.createTransport(withPool(options.smtpUrl)) : null;
  const context: MailContext = { db, clock, options, transport, state: { flushing: null, again: false, timer: null } };
  return {
    ...bind(context, { enqueue, flush, startWorker, stopWorker, close }),
    sendsMail: transport !== null,
    /** For the dev mailbox page: the newest letters, sent or kept. */
    recent: (limit: number): OutboxRow[] => listRecentOutboxMessages(db, limit),
    letter: (id: number): OutboxRow | undefined => getOutboxMessage(db, id),
  };
}

async function sendDue({ db, clock, options, transport }: MailContext): Promise<void> {
  if (!transport) return;
  for (;;) {
    const due = listDueOutboxMessages(db, nowSeconds(clock), batchSize);
    if (due.length === 0) return;
    for (const message of due) {
      try {
        await transport.sendMail({
          from: options.from,
          to: message.to_address,
          subject: message.subject,
          text: message.text_body,
          html: message.html_body ?? undefined,
          headers: message.headers ? (JSON.parse(message.headers) as Record<string, string>) : undefined,
          attachments: listOutboxAttachments(db, message.id).map((a) => ({
            filename: a.filename,
            contentType: a.content_type,
            content: a.content,
          })),
        });
        markOutboxSent(db, message.id, nowSeconds(clock));
      } catch (error) {
        const backoff = Math.min(maxBackoffSeconds, 30 * 2 ** message.attempts);
        markOutboxFailed(db, message.id, String((error as Error).message).slice(0, 500), nowSeconds(clock) + backoff);
      }
    }
  }
}

/** Stores the letter (once per dedupeKey) and, with SMTP configured, starts sending it. */
function enqueue(context: MailContext, letter: Letter): number | null {
  const { db, clock } = context;
  const id = db.transaction(() => {
    const messageId = insertOutboxMessage(db, {
      kind: letter.kind,
      to_address: letter.to,
      subject: letter.subject,
      text_body: letter.text,
      html_body: letter.html ?? null,
      headers: letter.headers ? JSON.stringify(letter.headers) : null,
      dedupe_key: letter.dedupeKey ?? null,
      created_at: nowSeconds(clock),
    });
    if (messageId !== null) {
      for (const a of letter.attachments ?? []) {
        insertOutboxAttachment(db, messageId, { filename: a.filename, content_type: a.contentType, content: a.content });
      }
    }
    return messageId;
  })();
  if (id !== null && (context.options.sendOnEnqueue !== false || context.state.timer)) void flush(context);
  return id;
}

/** Sends what is due; a call during a run makes that run look again before it ends. */
function flush(context: MailContext): Promise<void> {
  const { state } = context;
  if (!context.transport) return Promise.resolve();
  if (state.flushing) {
    state.again = true;
    return state.flushing;
  }
  state.flushing = (async () => {
    do {
      state.again = false;
      await sendDue(context);
    } while (state.again);
  })().finally(() => {
    state.flushing = null;
  });
  return state.flushing;
}

function startWorker(context: MailContext, intervalMs = 10_000): void {
  const { state } = context;
  if (!context.transport || state.timer) return;
  state.timer = setInterval(() => void flush(context), intervalMs);
  state.timer.unref();
}

/** Stops looking for due letters; resolves when a send in progress ends. */
async function stopWorker({ state }: MailContext): Promise<void> {
  if (state.timer) clearInterval(state.timer);
  state.timer = null;
  await state.flushing;
}

async function close(context: MailContext): Promise<void> {
  await stopWorker(context);
  context.transport?.close();
}

function withPool(url: string): string {
  return url.includes('pool=') ? url : `${url}${url.includes('?') ? '&' : '?'}pool=true`;
}
