// The API's schemas: what requests carry and answers hold. They validate the requests and make
// the OpenAPI document (through @hono/zod-openapi).
import { z } from 'zod';
import { historyViews } from '../../services/history/history.ts';

export const pinField = z.string().regex(/^\d{4}$/, 'PIN-код — ровно 4 цифры');

/** What every login variant answers: a bearer token and when it expires. */
export const tokenSchema = z.object({ token: z.string(), expiresAt: z.string() });

export const iso = (seconds: number) => new Date(seconds * 1000).toISOString();
export const linkParams = z.object({ link: z.string().regex(/^[1-9]\d{0,15}$/, 'Идентификатор лицевого счёта — число').describe('id вашей связи с лицевым счётом из GET /accounts') });
export const kopecks = z.number().int();

export const accountSchema = z.object({
  id: z.number().int().describe('id связи: подставляется в пути /accounts/{link}/…'),
  accountNumber: z.string(),
  address: z.string(),
  primary: z.boolean(),
});

export const balanceSchema = z.object({
  link: z.number().int(),
  accountNumber: z.string(),
  state: z.enum(['debt', 'overpayment', 'settled']),
  balanceKopecks: kopecks.describe('Сумма долга или переплаты (без знака; смысл — в state)'),
  amountDueKopecks: kopecks,
  dueOn: z.string().nullable().describe('Срок оплаты последнего начисления, ГГГГ-ММ-ДД'),
  lastChargePeriod: z.string().nullable(),
  meter: z.object({ model: z.string(), serial: z.string(), zones: z.number().int(), digits: z.number().int(), verifiedUntil: z.string() }).nullable(),
  lastReadings: z.array(z.object({ zone: z.number().int(), value: z.number().int(), period: z.string(), submittedAt: z.string() })),
});

const zoneValue = z.number({ error: 'Показания — целое число' }).int('Только цифры до запятой').min(0, 'Показания не могут быть отрицательными').max(9_999_999_999);
export const readingBody = z.strictObject({
  zone1: zoneValue.optional(),
  zone2: zoneValue.optional(),
  zone3: zoneValue.optional(),
  confirmed: z.boolean().optional().describe('true — подтвердить показания, о которых сервер переспросил (ответ 409)'),
});

export const readingResult = z.object({
  seq: z.number().int(),
  period: z.string(),
  status: z.enum(['accepted', 'review']),
  values: z.array(z.number().int()),
  consumptionKwh: z.array(z.number().int()),
  estimateKopecks: kopecks,
});

export const historyQuery = z.object({
  from: z.string().max(20).optional().describe('Первый месяц, ГГГГ-ММ (по умолчанию — год назад)'),
  to: z.string().max(20).optional().describe('Последний месяц, ГГГГ-ММ'),
});
export const historySchema = z.object({
  view: z.enum(historyViews),
  range: z.object({ from: z.string(), to: z.string() }),
  notice: z.string().nullable(),
  zones: z.number().int().optional(),
  months: z.array(z.record(z.string(), z.unknown())).describe('Месяцы, новые сначала; поля как в CSV-выгрузке истории'),
});

export const paymentBody = readingBody.extend({
  amountKopecks: z.number().int().positive().optional().describe('По умолчанию — начисление по показаниям плюс долг'),
  email: z.string().trim().max(254).pipe(z.email('Введите адрес электронной почты в виде name@example.ru')).optional().describe('Куда прислать чек; по умолчанию — адрес из настроек'),
  consent: z.literal(true, { error: 'Без согласия на обработку персональных данных оплата невозможна' }),
  requestId: z.string().regex(/^[a-z2-7]{32}$/).optional().describe('Ключ идемпотентности: тот же requestId — тот же заказ'),
  method: z.enum(['card', 'sbp'], { error: 'Способ оплаты — card или sbp' }).default('card').describe('card — на странице банка (formUrl); sbp — по QR-коду СБП (sbp.payload)'),
});

export const startedPayment = z.discriminatedUnion('method', [
  z.object({ method: z.literal('card'), formUrl: z.string().describe('Платёжная страница банка'), requestId: z.string(), paymentId: z.number().int() }),
  z.object({
    method: z.literal('sbp'),
    requestId: z.string(),
    paymentId: z.number().int(),
    sbp: z.object({
      qrId: z.string().describe('Идентификатор QR-кода в СБП'),
      payload: z.string().describe('Ссылка https://qr.nspk.ru/…: её кодирует QR-код; на телефоне она открывает приложение банка'),
      expiresAt: z.string().describe('До какого времени код можно оплатить (ISO 8601)'),
    }),
  }),
]);

export const supportRequestSchema = z.object({
  id: z.number().int(),
  topic: z.string(),
  status: z.enum(['new', 'in_progress', 'answered', 'closed']),
  createdAt: z.string(),
  updatedAt: z.string(),
});

