// What the settings pages say when a change is refused.
export const settingsMessages = {
  emailInUse: 'Этот адрес уже указан в другом личном кабинете. Укажите другой адрес электронной почты.',
  sameEmail: 'Это ваш текущий адрес. Укажите новый.',
  badCode: 'Неверный или просроченный код. Запросите новый.',
  noPendingChange: 'Нет запроса на смену адреса: сначала укажите новый адрес.',
  wrongPassword: 'Неверный пароль.',
  samePassword: 'Новый пароль совпадает с текущим.',
  paperNeedsEmail: 'Отказаться от бумажного счёта можно, только если счёт приходит на электронную почту.',
} as const;
