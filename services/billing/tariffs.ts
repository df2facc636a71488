// Pricing a month's volume: by zone and by volume band, in integer kopecks.
import type { Category } from '../../db/accounts/accounts.ts';
import type { ChargeLine } from '../../db/billing/charges.ts';
import type { TariffPrice } from '../../db/billing/tariffs.ts';

export type { ChargeLine, TariffPrice };

export const categoryNames: Record<Category, string> = {
  urban_gas: 'Городское население (газовые плиты)',
  urban_electric: 'Городское население (электроплиты, электроотопление)',
  rural: 'Сельское население',
};

/** The hours of each zone, for the customer. */
export const zoneNames: Record<1 | 2 | 3, string[]> = {
  1: ['Круглосуточно'],
  2: ['День (07–23)', 'Ночь (23–07)'],
  3: ['Пик (07–10, 17–21)', 'Полупик (10–17, 21–23)', 'Ночь (23–07)'],
};

/** Sorted, distinct band limits of the zone plan: [[0, 1200], [1200, 3900], [3900, null]]. */
export function bandsOf(prices: TariffPrice[]): [number, number | null][] {
  const seen = new Map<number, number | null>();
  for (const price of prices) seen.set(price.band_from_kwh, price.band_to_kwh);
  return [...seen.entries()].sort((a, b) => a[0] - b[0]);
}

/**
 * Prices a month. The volume bands apply to the month's total; each zone takes a share of
 * every band in proportion to its share of the month, rounded half up on the running total
 * so that each zone's kWh add up exactly.
 */
export function priceVolume(zoneKwh: number[], prices: TariffPrice[]): ChargeLine[] {
  const bands = bandsOf(prices);
  if (bands.length === 0) throw new Error('No tariff for this zone plan and period');
  const total = zoneKwh.reduce((sum, kwh) => sum + kwh, 0);
  const lines: ChargeLine[] = [];
  zoneKwh.forEach((kwh, index) => {
    const zone = index + 1;
    let allocated = 0;
    bands.forEach(([from, to], bandIndex) => {
      const bandTop = to === null ? total : Math.min(total, to);
      const cumulative = total === 0 ? 0 : Math.floor((kwh * Math.max(0, bandTop) * 2 + total) / (2 * total));
      const inBand = bandIndex === bands.length - 1 ? kwh - allocated : Math.max(0, cumulative - allocated);
      allocated += inBand;
      if (from >= total && inBand === 0 && bandIndex > 0) return;
      const price = prices.find((p) => p.zone === zone && p.band_from_kwh === from);
      if (!price) throw new Error(`No tariff for zone ${zone} band from ${from}`);
      lines.push({ zone, band: bandIndex + 1, kwh: inBand, kopecks_per_kwh: price.kopecks_per_kwh, amount_kopecks: inBand * price.kopecks_per_kwh });
    });
  });
  return lines;
}

export function sumAmounts(lines: ChargeLine[]): number {
  return lines.reduce((sum, line) => sum + line.amount_kopecks, 0);
}

/** Consumption between two readings of a meter with `digits` digits, across a rollover. */
export function consumptionBetween(previous: number, current: number, digits: number): number {
  return current >= previous ? current - previous : current + 10 ** digits - previous;
}

/** Average of monthly volumes, rounded half up to whole kWh. */
export function roundedAverage(values: number[]): number {
  if (values.length === 0) return 0;
  const sum = values.reduce((a, b) => a + b, 0);
  return Math.floor((2 * sum + values.length) / (2 * values.length));
}
