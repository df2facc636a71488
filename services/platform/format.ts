// Russian formatting of money (kopecks), energy (kWh) and dates in the company's time zone.
const rubles = new Intl.NumberFormat('ru-RU', { style: 'currency', currency: 'RUB', minimumFractionDigits: 2, maximumFractionDigits: 2 });
const integers = new Intl.NumberFormat('ru-RU', { maximumFractionDigits: 0 });

export function formatMoney(kopecks: number): string {
  return rubles.format(kopecks / 100);
}

export function formatKwh(kwh: number): string {
  return `${integers.format(kwh)}\u00a0кВт·ч`;
}

export function formatInteger(value: number): string {
  return integers.format(value);
}

const monthNames = ['январь', 'февраль', 'март', 'апрель', 'май', 'июнь', 'июль', 'август', 'сентябрь', 'октябрь', 'ноябрь', 'декабрь'];

/** 'YYYY-MM' → «март 2026». */
export function formatPeriod(period: string): string {
  const [year, month] = period.split('-').map(Number);
  return `${monthNames[month - 1]} ${year}`;
}

export type Formatter = ReturnType<typeof createFormatter>;

export function createFormatter(timeZone: string) {
  const date = new Intl.DateTimeFormat('ru-RU', { timeZone, day: '2-digit', month: '2-digit', year: 'numeric' });
  const dateTime = new Intl.DateTimeFormat('ru-RU', { timeZone, day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit' });
  return {
    money: formatMoney,
    kwh: formatKwh,
    integer: formatInteger,
    period: formatPeriod,
    /** unix seconds → «28.11.2026» */
    date: (seconds: number) => date.format(new Date(seconds * 1000)),
    /** unix seconds → «28.11.2026, 15:09» */
    dateTime: (seconds: number) => dateTime.format(new Date(seconds * 1000)),
    /** 'YYYY-MM-DD' → «28.11.2026» */
    isoDate: (iso: string) => iso.split('-').reverse().join('.'),
  };
}
