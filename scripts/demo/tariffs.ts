// Demo tariffs of the Kaluga region: a new price list every 1 July, volume bands from 2025-07-01.
import type { Category } from '../../db/accounts/accounts.ts';
import type { TariffRow } from '../../db/billing/tariffs.ts';

const urbanGasSingle2025 = 736;
const yearlyRise = 1.1;
const categoryFactor: Record<Category, number> = { urban_gas: 1, urban_electric: 0.7, rural: 0.7 };
const zoneFactors: Record<1 | 2 | 3, number[]> = { 1: [1], 2: [1.15, 0.6], 3: [1.3, 1, 0.6] };
const bandsSince2025: { from: number; to: number | null; factor: number }[] = [
  { from: 0, to: 1200, factor: 1 },
  { from: 1200, to: 3900, factor: 1.3 },
  { from: 3900, to: null, factor: 2 },
];
const bandsStart = '2025-07-01';

/** Every price list in force from `firstDay` to `lastDay` (inclusive); the latest is open-ended. */
export function demoTariffs(firstDay: string, lastDay: string): Omit<TariffRow, 'id'>[] {
  const julyYear = (day: string) => Number(day.slice(0, 4)) - (day.slice(5) < '07-01' ? 1 : 0);
  const rows: Omit<TariffRow, 'id'>[] = [];
  const last = julyYear(lastDay);
  for (let year = julyYear(firstDay); year <= last; year++) {
    const valid_from = `${year}-07-01`;
    const valid_to = year === last ? null : `${year + 1}-07-01`;
    const base = urbanGasSingle2025 * yearlyRise ** (year - 2025);
    const bands = valid_from >= bandsStart ? bandsSince2025 : [{ from: 0, to: null, factor: 1 }];
    for (const category of Object.keys(categoryFactor) as Category[]) {
      const single = Math.round(base * categoryFactor[category]);
      for (const zones of [1, 2, 3] as const) {
        zoneFactors[zones].forEach((zoneFactor, index) => {
          const zonePrice = Math.round(single * zoneFactor);
          for (const band of bands) {
            rows.push({
              category, zones, zone: index + 1, band_from_kwh: band.from, band_to_kwh: band.to,
              valid_from, valid_to, kopecks_per_kwh: Math.round(zonePrice * band.factor),
            });
          }
        });
      }
    }
  }
  return rows;
}
