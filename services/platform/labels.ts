// The Russian words for the statuses and kinds customers see, in one place.
export const readingStatusLabels = { accepted: 'принято к расчёту', review: 'на проверке', rejected: 'не принято', replaced: 'заменено' } as const;
export const readingSourceLabels = { customer: 'клиент', operator: 'оператор', billing: 'биллинг' } as const;
export const paymentStatusLabels = {
  created: 'создан',
  pending: 'ожидает оплаты',
  paid: 'оплачен',
  declined: 'отклонён',
  reversed: 'отменён',
  refunded: 'возвращён',
} as const;
export const paymentChannelLabels = { card: 'банковская карта', sbp: 'СБП', bank: 'через банк', post: 'почта', office: 'касса' } as const;
export const chargeBasisLabels = { readings: 'по показаниям', average: 'по среднему', norm: 'по нормативу' } as const;
