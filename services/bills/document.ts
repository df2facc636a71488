// The bill as documents: the standalone printable HTML, the e-mail letter, the PDF's file name,
// and the fingerprint that tells whether a cached PDF still shows the same bill.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderTemplate, viewsDir } from '../platform/templates.ts';
import type { Bill, BillsContext } from './bills.ts';

const billCssPath = fileURLToPath(new URL('../../static/bill.css', import.meta.url));

// Read once: the stylesheet is part of the code, like the templates.
function css({ state }: BillsContext): string {
  return (state.billCss ??= readFileSync(billCssPath, 'utf8'));
}

/** The standalone printable document (for Chromium and the e-mail): styles inline, nothing fetched. */
export async function documentHtml(deps: BillsContext, bill: Bill): Promise<string> {
  const { company, format } = deps;
  const html = renderTemplate(`${viewsDir}bills/document.ejs`, { bill, company, format }, { cache: true });
  // Our own stylesheet, inserted here rather than through the template so that <%= %> never escapes it.
  return html.replace('<!--bill-css-->', () => `<style>${css(deps)}</style>`);
}

// The templates and the stylesheet are part of a bill's fingerprint: changing them renders anew.
export function fingerprintOf(deps: BillsContext, bill: Bill): string {
  const { state } = deps;
  state.layoutHash ??= createHash('sha256')
    .update(['bills/_bill.ejs', 'bills/document.ejs'].map((name) => readFileSync(`${viewsDir}${name}`, 'utf8')).join('\0') + css(deps))
    .digest('hex');
  return createHash('sha256').update(state.layoutHash).update(JSON.stringify({ ...bill, qr: bill.qr.payload })).digest('hex');
}

/** 'Счёт_500000001_2026-10.pdf', with an ASCII twin for old clients. */
export function fileName(bill: Bill): { utf8: string; ascii: string } {
  return { utf8: `Счёт_${bill.account.number}_${bill.period}.pdf`, ascii: `schet_${bill.account.number}_${bill.period}.pdf` };
}

export async function letterFor({ company, format }: BillsContext, bill: Bill): Promise<{ subject: string; text: string; html: string }> {
  const subject = `Счёт за электроэнергию за ${bill.periodName}, лицевой счёт ${bill.account.number}`;
  const locals = { bill, company, format, subject };
  const html = renderTemplate(`${viewsDir}bills/letter.html.ejs`, locals, { cache: true });
  const text = renderTemplate(`${viewsDir}bills/letter.txt.ejs`, locals, { cache: true, text: true });
  return { subject, html, text };
}
