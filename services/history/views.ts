// The four history views and their titles, shared by the pages, the CSV downloads and the API.
export const historyViews = ['readings', 'payments', 'charges', 'consumption'] as const;
export type HistoryView = (typeof historyViews)[number];

export const historyViewTitles: Record<HistoryView, string> = {
  readings: 'История показаний',
  payments: 'История платежей',
  charges: 'Статистика расчётов',
  consumption: 'Статистика потребления',
};
