// Reconciliation: orders left unsettled (no callback came, or it failed) are settled by asking
// the bank, now and then every interval, one run at a time.
import { listUnsettledPayments } from '../../db/payments/payments.ts';
import { nowSeconds } from '../platform/clock.ts';
import type { PaymentsContext } from './payments.ts';
import { settle } from './settle.ts';

export async function reconcile(deps: PaymentsContext, options: { olderThanSeconds?: number; limit?: number } = {}): Promise<{ checked: number; credited: number; unavailable: number }> {
  const before = nowSeconds(deps.clock) - (options.olderThanSeconds ?? deps.reconcile.afterMinutes * 60);
  const report = { checked: 0, credited: 0, unavailable: 0 };
  for (const payment of listUnsettledPayments(deps.db, before, options.limit ?? 500)) {
    const result = await settle(deps, payment.gateway_order_id!, { ip: 'reconcile' });
    report.checked++;
    if (result.kind === 'settled' && result.credited) report.credited++;
    if (result.kind === 'unavailable') report.unavailable++;
  }
  return report;
}

/** Starts a run unless one is running; either way resolves when the running one ends. */
function reconcileOnce(deps: PaymentsContext): Promise<unknown> {
  const { state } = deps;
  state.reconciling ??= reconcile(deps)
    .catch((error) => console.error('payments: reconciliation failed', error))
    .finally(() => {
      state.reconciling = null;
    });
  return state.reconciling;
}

/** Runs reconciliation now and then every interval; the timer never keeps the process alive. */
export function startReconciler(deps: PaymentsContext): void {
  const { state } = deps;
  if (state.timer) return;
  void reconcileOnce(deps);
  state.timer = setInterval(() => void reconcileOnce(deps), Math.max(1, deps.reconcile.intervalSeconds) * 1000);
  state.timer.unref();
}

export async function stop({ state }: PaymentsContext): Promise<void> {
  if (state.timer) clearInterval(state.timer);
  state.timer = null;
  await state.reconciling;
}
