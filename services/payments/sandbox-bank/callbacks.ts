// The sandbox bank's callbacks to the shop: signed GET requests about a change of an order's
// state, sent as the behaviour says (late, duplicated, wrongly signed or not at all).
import { getSandboxOrder, type SandboxOrderRow } from '../../../db/payments/sandbox-bank.ts';
import { callbackChecksum } from '../gateway.ts';
import type { SandboxContext } from './sandbox-bank.ts';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The callback's query parameters, signed (or, on demand, wrongly signed). */
function signedParams(bank: SandboxContext, order: SandboxOrderRow, operation: string, status: 0 | 1, options: { wrongChecksum?: boolean } = {}): Record<string, string> {
  const params: Record<string, string> = { mdOrder: order.order_id, orderNumber: order.order_number, operation, status: String(status) };
  const key = options.wrongChecksum ?? bank.behaviour.wrongChecksum ? `${bank.deps.callbackKey}-forged` : bank.deps.callbackKey;
  return { ...params, checksum: callbackChecksum(params, key) };
}

async function deliver(bank: SandboxContext, url: string, params: Record<string, string>): Promise<number> {
  const target = new URL(url);
  for (const [k, v] of Object.entries(params)) target.searchParams.set(k, v);
  try {
    const response = await fetch(target, { signal: AbortSignal.timeout(10_000) });
    await response.arrayBuffer();
    return response.status;
  } catch (error) {
    bank.log(`callback to ${target.origin} failed`, (error as Error).message);
    return 0;
  }
}

function track<T>(bank: SandboxContext, promise: Promise<T>): Promise<T> {
  bank.inFlight.add(promise);
  void promise.finally(() => bank.inFlight.delete(promise));
  return promise;
}

/** Sends the callbacks for a change of state, as the behaviour says (never awaited by the page). */
export function notify(bank: SandboxContext, orderId: string, operation: string, status: 0 | 1): void {
  const { behaviour } = bank;
  const order = getSandboxOrder(bank.db, orderId);
  if (!order?.callback_url || !behaviour.callbacks) return;
  const params = signedParams(bank, order, operation, status);
  const copies = 1 + behaviour.duplicateCallbacks;
  const delay = behaviour.callbackDelayMs;
  track(
    bank,
    (async () => {
      if (delay > 0) await sleep(delay);
      await Promise.all(Array.from({ length: copies }, () => deliver(bank, order.callback_url!, params)));
    })(),
  );
}

/** The parameters a callback for this order would carry (to replay, reorder or forge one). */
export function callbackParams(bank: SandboxContext, orderId: string, operation: string, status: 0 | 1, options?: { wrongChecksum?: boolean }): Record<string, string> {
  return signedParams(bank, getSandboxOrder(bank.db, orderId)!, operation, status, options);
}

/** Sends one callback now and resolves with the app's HTTP status. */
export function sendCallback(bank: SandboxContext, orderId: string, operation = 'deposited', status: 0 | 1 = 1, options: { wrongChecksum?: boolean } = {}): Promise<number> {
  const order = getSandboxOrder(bank.db, orderId)!;
  return track(bank, deliver(bank, order.callback_url!, signedParams(bank, order, operation, status, options)));
}

/** Resolves when every callback sent so far has been answered. */
export async function idle(bank: SandboxContext): Promise<void> {
  while (bank.inFlight.size > 0) await Promise.allSettled([...bank.inFlight]);
}
