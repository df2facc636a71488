// /api/v1 payments and bills: starting a payment by card or СБП (with the readings), a closed month's PDF.
import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { z } from 'zod';
import { isPeriod } from '../../services/billing/periods.ts';
import type { Services } from '../../services/index.ts';
import { randomToken } from '../../services/platform/tokens.ts';
import { accepted, readingFields } from './accounts.ts';
import { ApiError } from './errors.ts';
import { apiRouter, contextOf, type ApiEnv } from './guards.ts';
import { errors, json, jsonBody } from './openapi.ts';
import { linkParams, paymentBody, startedPayment } from './schemas.ts';

const startPayment = createRoute({
  method: 'post',
  path: '/accounts/{link}/payments',
  summary: 'Начать оплату: картой — ответ с адресом платёжной страницы банка; по СБП — с QR-кодом (payload)',
  tags: ['Оплата'],
  request: { params: linkParams, body: jsonBody(paymentBody) },
  responses: {
    201: json('Заказ зарегистрирован в банке', startedPayment),
    ...errors(400, 401, 404, 413, 415, 422, [409, 'Нужно подтверждение показаний (confirmed=true), или requestId уже занят: заказом другого лицевого счёта (stale_request) либо заказом, который уже нельзя оплатить (payment_finished, его paymentId в error.paymentId)'], [502, 'Банк не ответил: попробуйте позже']),
  },
});

const billPdf = createRoute({
  method: 'get',
  path: '/accounts/{link}/bills/{period}',
  summary: 'Счёт за закрытый месяц, PDF',
  tags: ['Счета'],
  request: { params: linkParams.extend({ period: z.string().regex(/^\d{4}-\d{2}$/, 'Месяц — ГГГГ-ММ') }) },
  responses: {
    200: { description: 'PDF-файл счёта', content: { 'application/pdf': { schema: z.string().meta({ format: 'binary' }) } } },
    ...errors(401, [404, 'Счёта за этот месяц нет (месяц не закрыт) или счёт не ваш'], [503, 'PDF сейчас не формируется: попробуйте позже']),
  },
});

type Body = z.infer<typeof paymentBody>;

/** The readings (required when the account has a meter), checked as the form checks them. */
async function readingFor(services: Services, accountId: number, body: Body) {
  const { account, meter, checked } = await services.readings.checkSubmission(accountId, readingFields(body), body.confirmed === true);
  if (!meter || !checked) return { subject: { account, meter }, reading: null };
  if (body.zone1 === undefined) throw new ApiError(422, 'validation', 'Без показаний оплатить нельзя: у лицевого счёта есть прибор учёта.', { zone1: 'Введите показания' });
  return { subject: { account, meter }, reading: { meter, checked: accepted(checked) } };
}

/** The amount asked for, or the suggested one, within the payment limits. */
function amountOf(services: Services, suggested: number | null, body: Body): number {
  const amount = body.amountKopecks ?? suggested;
  const { minKopecks, maxKopecks } = services.payments.limits;
  if (amount === null) throw new ApiError(422, 'validation', 'Переплата покрывает начисление: укажите сумму.', { amountKopecks: 'Укажите сумму к оплате' });
  if (amount < minKopecks || amount > maxKopecks) {
    throw new ApiError(422, 'validation', 'Сумма вне допустимых пределов.', { amountKopecks: `Сумма — от ${services.format.money(minKopecks)} до ${services.format.money(maxKopecks)}` });
  }
  return amount;
}

async function start(services: Services, c: Context<ApiEnv>, body: Body) {
  const link = c.get('link');
  const { subject, reading } = await readingFor(services, link.account_id, body);
  const quote = services.payments.quote(subject.account, subject.meter, reading?.checked.consumption ?? null);
  const amountKopecks = amountOf(services, quote.suggestedKopecks, body);
  const requestId = body.requestId ?? randomToken();
  const user = c.get('user');
  // СБП turned off (PAYMENT_SBP=0): the service makes it a card order.
  const method = body.method ?? 'card';
  const input = { account: subject.account, linkId: link.id, userId: user.id, formToken: requestId, amountKopecks, email: body.email ?? user.email, reading, method, context: contextOf(c) } as const;
  const result = await services.payments.start(input);
  if (result.kind === 'stale') throw new ApiError(409, 'stale_request', 'Этот requestId уже использован для другого лицевого счёта.');
  if (result.kind === 'finished') {
    throw new ApiError(409, 'payment_finished', 'Заказ с этим requestId уже нельзя оплатить (он оплачен, отклонён или срок его QR-кода истёк): начните новую оплату с другим requestId.', undefined, { paymentId: result.paymentId });
  }
  if (result.kind === 'failed') throw new ApiError(502, 'payment_failed', result.message);
  if (!result.sbp) return { method: 'card' as const, formUrl: result.location, requestId, paymentId: result.paymentId };
  const sbp = { qrId: result.sbp.qrId, payload: result.sbp.payload, expiresAt: new Date(result.sbp.expiresAt * 1000).toISOString() };
  return { method: 'sbp' as const, requestId, paymentId: result.paymentId, sbp };
}

async function pdfOf(services: Services, accountId: number, period: string) {
  if (!isPeriod(period)) throw new ApiError(404, 'not_found', 'Счёт не найден.');
  const bill = await services.bills.statement(accountId, period, { qrImage: false });
  if (!bill) throw new ApiError(404, 'not_found', 'Счёт за этот месяц не найден: месяц ещё не закрыт.');
  const download = await services.bills.pdfOf(bill);
  if (download.kind === 'unavailable') throw new ApiError(503, 'pdf_unavailable', 'Не удалось сформировать PDF. Попробуйте позже.');
  return { pdf: download.pdf, name: services.bills.fileName(bill) };
}

export function paymentRoutes(services: Services) {
  return apiRouter()
    .openapi(startPayment, async (c) => c.json(await start(services, c, c.req.valid('json')), 201))
    .openapi(billPdf, async (c) => {
      const { pdf, name } = await pdfOf(services, c.get('link').account_id, c.req.valid('param').period);
      return c.body(new Uint8Array(pdf), 200, { 'Content-Type': 'application/pdf', 'Content-Disposition': `attachment; filename="${name.ascii}"` });
    });
}
