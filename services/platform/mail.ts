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
import { nowSeconds, type Clock } from './clock.ts';

export type Letter = {
  kind: string;
  to: string;
  subject: string;
  text: string;
  html?: string;
  dedupeKey?: string;
  attachments?: { filename: string; contentType: string; content: Buffer }[];
};

export type Mail = ReturnType<typeof createMail>;

const batchSize = 50;
const maxBackoffSeconds = 3600;

export function createMail(db: Db, clock: Clock, options: { smtpUrl: string | null; from: string }) {
  const transport: Transporter | null = options.smtpUrl ? nodemailer.createTransport(withPool(options.smtpUrl)) : null;
  let flushing: Promise<void> | null = null;
  let again = false;
  let timer: NodeJS.Timeout | null = null;

  async function sendDue(): Promise<void> {
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

  const mail = {
    /** Stores the letter (once per dedupeKey) and, with SMTP configured, starts sending it. */
    enqueue(letter: Letter): number | null {
      const id = db.transaction(() => {
        const messageId = insertOutboxMessage(db, {
          kind: letter.kind,
          to_address: letter.to,
          subject: letter.subject,
          text_body: letter.text,
          html_body: letter.html ?? null,
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
      if (id !== null) void mail.flush();
      return id;
    },

    /** Sends what is due; a call during a run makes that run look again before it ends. */
    flush(): Promise<void> {
      if (!transport) return Promise.resolve();
      if (flushing) {
        again = true;
        return flushing;
      }
      flushing = (async () => {
        do {
          again = false;
          await sendDue();
        } while (again);
      })().finally(() => {
        flushing = null;
      });
      return flushing;
    },

    startWorker(intervalMs = 10_000): void {
      if (!transport || timer) return;
      timer = setInterval(() => void mail.flush(), intervalMs);
      timer.unref();
    },

    async close(): Promise<void> {
      if (timer) clearInterval(timer);
      timer = null;
      await flushing;
      transport?.close();
    },

    sendsMail: transport !== null,

    /** For the dev mailbox page: the newest letters, sent or kept. */
    recent: (limit: number): OutboxRow[] => listRecentOutboxMessages(db, limit),
    letter: (id: number): OutboxRow | undefined => getOutboxMessage(db, id),
  };
  return mail;
}

function withPool(url: string): string {
  return url.includes('pool=') ? url : `${url}${url.includes('?') ? '&' : '?'}pool=true`;
}
