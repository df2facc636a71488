// The PDF of a bill: from the cache while the bill and its layout are unchanged, else rendered
// once (however many ask at the same time) and cached.
import { getCachedBillPdf, putCachedBillPdf } from '../../db/bills/bills.ts';
import { nowSeconds } from '../platform/clock.ts';
import type { Bill, BillDownload, BillsContext } from './bills.ts';
import { documentHtml, fingerprintOf } from './document.ts';
import { paymentQrDataUri } from './payment-qr.ts';
import { PdfUnavailable } from './pdf.ts';

/** The PDF of a closed period: from the cache when the bill has not changed, else rendered and cached. */
export async function pdfOf(deps: BillsContext, bill: Bill): Promise<BillDownload> {
  const fingerprint = fingerprintOf(deps, bill);
  const cached = getCachedBillPdf(deps.db, bill.account.id, bill.period);
  if (cached && cached.fingerprint === fingerprint) return { kind: 'pdf', pdf: cached.pdf, cached: true, bill };
  if (!bill.qr.dataUri) bill = { ...bill, qr: { ...bill.qr, dataUri: await paymentQrDataUri(bill.qr.payload) } };
  const rendering = deps.state.inFlight.get(fingerprint) ?? (await startRendering(deps, bill, fingerprint)).rendering;
  try {
    return { kind: 'pdf', pdf: await rendering, cached: false, bill };
  } catch (error) {
    if (error instanceof PdfUnavailable) return { kind: 'unavailable', bill, reason: error.message };
    throw error;
  }
}

// The same bill asked for again while it renders (a double click, a burst) shares that render.
// (Wrapped in an object so that awaiting the HTML does not also await the render.)
async function startRendering(deps: BillsContext, bill: Bill, fingerprint: string): Promise<{ rendering: Promise<Buffer> }> {
  const { db, clock, state } = deps;
  const html = await documentHtml(deps, bill);
  const rendering = deps.renderer.render(html).then((pdf) => {
    putCachedBillPdf(db, { account_id: bill.account.id, period: bill.period, fingerprint, pdf, created_at: nowSeconds(clock) });
    return pdf;
  });
  state.inFlight.set(fingerprint, rendering);
  void rendering.then(
    () => state.inFlight.delete(fingerprint),
    () => state.inFlight.delete(fingerprint),
  );
  return { rendering };
}
