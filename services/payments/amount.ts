// The amount to pay: what the customer typed, read as kopecks, and the amount the form suggests.
import type { AccountRow, MeterRow } from '../../db/accounts/accounts.ts';
import type { AmountLimits, PaymentsContext, Quote } from './payments.ts';

/** «1234,56», «1234.56», «1 234» → kopecks, or the Russian reason it is not an amount to pay. */
export function parseAmount(raw: unknown, limits: AmountLimits, money: (kopecks: number) => string): { ok: true; kopecks: number } | { ok: false; message: string } {
  const text = typeof raw === 'string' ? raw.replace(/[\s\u00a0\u202f]/g, '').replace(/₽|руб\.?$/i, '') : '';
  if (text === '') return { ok: false, message: 'Введите сумму к оплате' };
  if (/^-/.test(text)) return { ok: false, message: 'Сумма не может быть отрицательной' };
  const match = /^(\d{1,12})(?:[.,](\d+))?$/.exec(text);
  if (!match) return { ok: false, message: 'Введите сумму цифрами, например 1234,56' };
  if (match[2] !== undefined && match[2].length > 2) return { ok: false, message: 'Не больше двух знаков после запятой: рубли и копейки' };
  const kopecks = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  if (kopecks === 0) return { ok: false, message: 'Сумма должна быть больше нуля' };
  if (kopecks < limits.minKopecks) return { ok: false, message: `Сумма — не меньше ${money(limits.minKopecks)}` };
  if (kopecks > limits.maxKopecks) return { ok: false, message: `Сумма — не больше ${money(limits.maxKopecks)} за один платёж` };
  return { ok: true, kopecks };
}

/** Kopecks as the customer types them: «1234,56». */
export function amountInput(kopecks: number): string {
  return `${Math.floor(kopecks / 100)},${String(kopecks % 100).padStart(2, '0')}`;
}

/** The charge for the new readings plus the balance, as the amount the form suggests. */
export function quote({ readings, limits }: PaymentsContext, account: AccountRow, meter: MeterRow | undefined, consumption: number[] | null): Quote {
  const estimate = meter
    ? readings.estimate(account, meter, consumption ?? [])
    : readings.estimate(account, { zones: 1 } as MeterRow, [account.norm_kwh]);
  const total = estimate.amountKopecks + account.balance_kopecks;
  const suggested = total <= 0 ? null : Math.min(limits.maxKopecks, Math.max(limits.minKopecks, total));
  return { chargeKopecks: estimate.amountKopecks, balanceKopecks: account.balance_kopecks, suggestedKopecks: suggested, consumption: estimate.consumption };
}
