// The page after a submission, the same in the cabinet and without logging in: what it shows.
import type { MeterRow } from '../../db/accounts/accounts.ts';
import type { ReadingRow } from '../../db/billing/readings.ts';
import type { Estimate } from '../../services/billing/readings.ts';
import { zoneNames } from '../../services/billing/tariffs.ts';
import { readingStatusLabels } from '../../services/platform/labels.ts';

export function readingDoneLocals(rows: ReadingRow[], meter: MeterRow, estimate: Estimate) {
  return {
    title: rows[0].status === 'review' ? 'Показания переданы на проверку' : 'Показания приняты',
    rows,
    meter,
    estimate,
    zoneNames: zoneNames[meter.zones],
    statusLabel: readingStatusLabels[rows[0].status],
  };
}
