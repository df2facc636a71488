import type { Category } from '../accounts/accounts.ts';
import type { Db } from '../connection.ts';
import { prepared } from '../prepared.ts';

/** One price of a tariff: a zone's volume band and its price. */
export type TariffPrice = {
  zone: number;
  band_from_kwh: number;
  band_to_kwh: number | null;
  kopecks_per_kwh: number;
};

export type TariffRow = TariffPrice & { id: number; category: Category; zones: number; valid_from: string; valid_to: string | null };

/** The prices in force on `day` ('YYYY-MM-DD') for a category and zone plan. */
export function getTariffPrices(db: Db, category: Category, zones: number, day: string): TariffPrice[] {
  return prepared(
    db,
    `SELECT zone, band_from_kwh, band_to_kwh, kopecks_per_kwh FROM tariffs
      WHERE category = ? AND zones = ? AND valid_from <= ? AND (valid_to IS NULL OR valid_to > ?)
      ORDER BY zone, band_from_kwh`,
  ).all(category, zones, day, day) as TariffPrice[];
}

export function insertTariff(db: Db, tariff: Omit<TariffRow, 'id'>): void {
  prepared(
    db,
    `INSERT INTO tariffs (category, zones, zone, band_from_kwh, band_to_kwh, valid_from, valid_to, kopecks_per_kwh)
     VALUES (@category, @zones, @zone, @band_from_kwh, @band_to_kwh, @valid_from, @valid_to, @kopecks_per_kwh)`,
  ).run(tariff);
}
