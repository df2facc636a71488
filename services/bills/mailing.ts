// Sending a period's bills by e-mail: each account with e-mail delivery gets its bill once.
import { insertBillMailing, listBillRecipients } from '../../db/bills/bills.ts';
import { nowSeconds } from '../platform/clock.ts';
import { isPeriod } from '../billing/periods.ts';
import { pdfOf } from './bill-pdf.ts';
import type { Bill, BillsContext } from './bills.ts';
import { fileName, letterFor } from './document.ts';
import { statement } from './statement.ts';

type Recipient = ReturnType<typeof listBillRecipients>[number];
type Rendered = { recipient: Recipient; bill: Bill; pdf: Buffer; letter: { subject: string; text: string; html: string } } | null;
type Report = { period: string; queued: number; alreadyQueued: number; unavailable: number };

/**
 * Sends the period's bills to every account with e-mail delivery, once each: a log row per
 * account and period (and the outbox's dedupe key) make a second run, or a run after a crash,
 * skip what already went. Chunks commit on their own, so it runs beside the server.
 */
export async function mailPeriod(deps: BillsContext, period: string, options: { chunk?: number; log?: (line: string) => void } = {}) {
  if (!isPeriod(period)) throw new Error(`Not a period: ${period}`);
  const chunk = options.chunk ?? 20;
  const report: Report = { period, queued: 0, alreadyQueued: 0, unavailable: 0 };
  let after = 0;
  for (;;) {
    const recipients = listBillRecipients(deps.db, period, after, chunk);
    if (recipients.length === 0) break;
    after = recipients[recipients.length - 1].account_id;
    // Render the chunk's PDFs (Chromium, through the queue), then commit the chunk at once.
    const rendered = await Promise.all(recipients.map((recipient) => renderFor(deps, recipient, period)));
    report.unavailable += rendered.filter((r) => r === null).length;
    enqueueChunk(deps, period, rendered, report);
    options.log?.(`${period}: ${report.queued} в очереди писем, до счёта №${after}`);
    // A chunk that could not be rendered stops the run: the next run resumes there.
    if (rendered.some((r) => r === null)) break;
  }
  return report;
}

async function renderFor(deps: BillsContext, recipient: Recipient, period: string): Promise<Rendered> {
  // No QR picture: the letter does not show one, and pdfOf draws it only if it has to render.
  const bill = await statement(deps, recipient.account_id, period, { qrImage: false });
  if (!bill) return null;
  const download = await pdfOf(deps, bill);
  return download.kind === 'pdf' ? { recipient, bill, pdf: download.pdf, letter: await letterFor(deps, bill) } : null;
}

function enqueueChunk({ db, mail, clock }: BillsContext, period: string, rendered: Rendered[], report: Report): void {
  db.transaction(() => {
    for (const item of rendered) {
      if (!item) continue;
      const { recipient, bill, pdf, letter } = item;
      const outboxId = mail.enqueue({
        kind: 'bill',
        to: recipient.email,
        subject: letter.subject,
        text: letter.text,
        html: letter.html,
        dedupeKey: `bill:${recipient.number}:${period}`,
        attachments: [{ filename: fileName(bill).utf8, contentType: 'application/pdf', content: pdf }],
      });
      if (outboxId === null) report.alreadyQueued++;
      else report.queued++;
      insertBillMailing(db, { account_id: recipient.account_id, period, outbox_id: outboxId, to_address: recipient.email, created_at: nowSeconds(clock) });
    }
  })();
}
