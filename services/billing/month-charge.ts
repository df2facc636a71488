// The month's charge for one account, as a pure function: the monthly close and the demo
// generator both call it, so history and close agree.
import type { Basis } from '../../db/billing/charges.ts';
import type { PastMonth } from '../../db/billing/monthly-close.ts';
import { consumptionBetween, priceVolume, roundedAverage, sumAmounts, type ChargeLine, type TariffPrice } from './tariffs.ts';

export type { Basis, PastMonth };

export type MonthInput = {
  /** Zones of the meter; 1 for an account without one. */
  zones: number;
  hasMeter: boolean;
  digits: number;
  normKwh: number;
  /** This period's accepted reading per zone, if any. */
  reading: number[] | null;
  /** The last reading charges were reconciled with (null: none yet). */
  base: { period: string; values: number[] } | null;
  /** Earlier charged months, newest first: enough to hold 6 months with readings. */
  history: PastMonth[];
  prices: TariffPrice[];
};

export type MonthCharge = {
  basis: Basis;
  zoneKwh: number[];
  lines: ChargeLine[];
  amountKopecks: number;
  /** kWh charged by average or norm that the real reading showed were not used (a credit). */
  recalculation: { kwh: number; amountKopecks: number } | null;
};

/** The ledger note of a recalculation, the same from the close and from the demo history. */
export function recalculationNote(kwh: number): string {
  return `Перерасчёт по показаниям: начислено по среднему или нормативу на ${kwh} кВт·ч больше фактического расхода`;
}

export const maxAverageMonths = 3;
export const averageOverMonths = 6;

export function chargeForMonth(input: MonthInput): MonthCharge {
  const zoneKwh = volumeForMonth(input);
  const lines = priceVolume(zoneKwh.volume, input.prices);
  let recalculation: MonthCharge['recalculation'] = null;
  if (zoneKwh.surplus.some((kwh) => kwh > 0)) {
    const credit = sumAmounts(priceVolume(zoneKwh.surplus, input.prices));
    recalculation = { kwh: zoneKwh.surplus.reduce((a, b) => a + b, 0), amountKopecks: -credit };
  }
  return { basis: zoneKwh.basis, zoneKwh: zoneKwh.volume, lines, amountKopecks: sumAmounts(lines), recalculation };
}

function volumeForMonth(input: MonthInput): { basis: Basis; volume: number[]; surplus: number[] } {
  const zero = () => Array.from({ length: input.zones }, () => 0);
  const norm = (): { basis: Basis; volume: number[]; surplus: number[] } => {
    // A multi-zone meter without readings is charged the norm in its first (day / peak) zone.
    const volume = zero();
    volume[0] = input.normKwh;
    return { basis: 'norm', volume, surplus: zero() };
  };
  if (!input.hasMeter) return norm();

  if (input.reading && input.base) {
    // Months after the base charged without a reading were estimates: the real reading settles them.
    const sinceBase = input.history.filter((month) => month.period > input.base!.period && month.basis !== 'readings');
    const volume = zero();
    const surplus = zero();
    for (let z = 0; z < input.zones; z++) {
      const actual = consumptionBetween(input.base.values[z], input.reading[z], input.digits);
      const estimated = sinceBase.reduce((sum, month) => sum + (month.zoneKwh[z] ?? 0), 0);
      volume[z] = Math.max(0, actual - estimated);
      surplus[z] = Math.max(0, estimated - actual);
    }
    return { basis: 'readings', volume, surplus };
  }

  let streak = 0;
  for (const month of input.history) {
    if (month.basis !== 'average') break;
    streak++;
  }
  const headIsNorm = input.history[0]?.basis === 'norm';
  const withReadings = input.history.filter((month) => month.basis === 'readings').slice(0, averageOverMonths);
  if (streak >= maxAverageMonths || headIsNorm || withReadings.length === 0) return norm();
  const volume = zero().map((_, z) => roundedAverage(withReadings.map((month) => month.zoneKwh[z] ?? 0)));
  return { basis: 'average', volume, surplus: zero() };
}
