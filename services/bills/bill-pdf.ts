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
  const rendering = deps.state.inFlight.get(fingerprint) ?? startRendering(deps, bill, fingerprint);
  try {
    return { kind: 'pdf', pdf: await rendering, cached: false, bill };
  } catch (error) {
    // The printable page stands in for the PDF, QR code and all.
    if (error instanceof PdfUnavailable) return { kind: 'unavailable', bill: await withQrImage(bill), reason: error.message };
    throw error;
  }
}

// The same bill asked for again while it renders (a double click, a burst) shares that render:
// it is in the map before anything is awaited, so a second call in the same tick finds it.
function startRendering(deps: BillsContext, bill: Bill, fingerprint: string): Promise<Buffer> {
  const { db, clock, state } = deps;
  const rendering = (async () => {
    const pdf = await deps.renderer.render(await documentHtml(deps, await withQrImage(bill)));
    putCachedBillPdf(db, { account_id: bill.account.id, period: bill.period, fingerprint, pdf, created_at: nowSeconds(clock) });
    return pdf;
  })();
  state.inFlight.set(fingerprint, rendering);
  void rendering.then(
    () => state.inFlight.delete(fingerprint),
    () => state.inFlight.delete(fingerprint),
  );
  return rendering;
}

/** The bill with its payment QR drawn (a statement asked for without it leaves it empty). */
async function withQrImage(bill: Bill): Promise<Bill> {
  return bill.qr.dataUri ? bill : { ...bill, qr: { ...bill.qr, dataUri: await paymentQrDataUri(bill.qr.payload) } };
}
