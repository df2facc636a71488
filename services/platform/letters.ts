// Renders the Russian letters (HTML and plain text) from views/emails.
import type { Company } from './config.ts';
import { renderTemplate, viewsDir } from './templates.ts';

const emailsDir = `${viewsDir}emails/`;

export type RenderedLetter = { subject: string; text: string; html: string };

export type Letters = ReturnType<typeof createLetters>;

export function createLetters(company: Company, baseUrl: string) {
  async function render(name: string, subject: string, data: Record<string, unknown>): Promise<RenderedLetter> {
    const locals = { ...data, company, baseUrl, subject };
    const html = renderTemplate(`${emailsDir}${name}.html.ejs`, locals, { cache: true });
    const text = renderTemplate(`${emailsDir}${name}.txt.ejs`, locals, { cache: true, text: true });
    return { subject, html, text };
  }

  return {
    activation: (data: { code: string; link: string; accountNumber: string }) =>
      render('activation', 'Активация личного кабинета', data),
    recovery: (data: { code: string; accountNumber: string; minutes: number }) =>
      render('recovery', 'Код для восстановления пароля', data),
    receipt: (data: { accountNumber: string; address: string; period: string; amount: string; orderNumber: string; paidAt: string; maskedPan: string }) =>
      render('receipt', `Оплата принята: ${data.amount}`, data),
    emailChangeCode: (data: { code: string; minutes: number }) => render('email-change-code', 'Код для смены адреса электронной почты', data),
    emailChanged: (data: { newEmail: string }) => render('email-changed', 'Адрес электронной почты изменён', data),
    readingReminder: (data: {
      closing: boolean;
      accountNumber: string;
      period: string;
      lastDay: string;
      readings: { zone: string; value: string; date: string }[];
      readingsLink: string;
      unsubscribeLink: string;
    }) =>
      render(
        'reading-reminder',
        data.closing ? `Приём показаний заканчивается ${data.lastDay}` : `Передайте показания счётчика за ${data.period}`,
        data,
      ),
    debtNotice: (data: { accountNumber: string; period: string; overdue: string; balance: string; payLink: string; unsubscribeLink: string }) =>
      render('debt-notice', `Задолженность по лицевому счёту № ${data.accountNumber}: ${data.overdue}`, data),
    supportAnswer: (data: { requestId: number; topic: string; link: string }) => render('support-answer', `Ответ на обращение № ${data.requestId}`, data),
  };
}
