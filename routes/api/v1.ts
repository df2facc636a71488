// /api/v1 for a native app: the table of routes over the same services as the pages. Each route's
// schemas validate the request and make its part of the OpenAPI document (routes/api/define.ts).
import type { Response } from 'express';
import { z } from 'zod';
import type { Services } from '../../services/index.ts';
import { historyViews, type HistoryView, type Range } from '../../services/history/history.ts';
import { isPeriod } from '../../services/billing/periods.ts';
import { maxTextChars, supportTopics } from '../../services/support/support.ts';
import { randomToken } from '../../services/platform/tokens.ts';
import { fields } from '../forms.ts';
import { requestContext } from '../request-context.ts';
import { ApiError, route, type ApiRoute } from './define.ts';

const pinField = z.string().regex(/^\d{4}$/, 'PIN-код — ровно 4 цифры');

/** What every login variant answers: a bearer token and when it expires. */
const tokenResponse = { 200: { description: 'Токен для заголовка Authorization: Bearer', schema: z.object({ token: z.string(), expiresAt: z.string() }) } };

function sendToken(res: Response, issued: { token: string; expiresAt: number }): void {
  res.json({ token: issued.token, expiresAt: iso(issued.expiresAt) });
}

const iso = (seconds: number) => new Date(seconds * 1000).toISOString();
const linkParams = z.object({ link: z.string().regex(/^[1-9]\d{0,15}$/, 'Идентификатор лицевого счёта — число').describe('id вашей связи с лицевым счётом из GET /accounts') });
const kopecks = z.number().int();

const accountSchema = z.object({
  id: z.number().int().describe('id связи: подставляется в пути /accounts/{link}/…'),
  accountNumber: z.string(),
  address: z.string(),
  primary: z.boolean(),
});

const balanceSchema = z.object({
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
const readingBody = z.object({
  zone1: zoneValue.optional(),
  zone2: zoneValue.optional(),
  zone3: zoneValue.optional(),
  confirmed: z.boolean().optional().describe('true — подтвердить показания, о которых сервер переспросил (ответ 409)'),
});

const readingResult = z.object({
  seq: z.number().int(),
  period: z.string(),
  status: z.enum(['accepted', 'review']),
  values: z.array(z.number().int()),
  consumptionKwh: z.array(z.number().int()),
  estimateKopecks: kopecks,
});

const historyQuery = z.object({
  from: z.string().max(20).optional().describe('Первый месяц, ГГГГ-ММ (по умолчанию — год назад)'),
  to: z.string().max(20).optional().describe('Последний месяц, ГГГГ-ММ'),
});
const historySchema = z.object({
  view: z.enum(historyViews),
  range: z.object({ from: z.string(), to: z.string() }),
  notice: z.string().nullable(),
  zones: z.number().int().optional(),
  months: z.array(z.record(z.string(), z.unknown())).describe('Месяцы, новые сначала; поля как в CSV-выгрузке истории'),
});

const paymentBody = z.object({
  zone1: zoneValue.optional(),
  zone2: zoneValue.optional(),
  zone3: zoneValue.optional(),
  confirmed: z.boolean().optional(),
  amountKopecks: z.number().int().positive().optional().describe('По умолчанию — начисление по показаниям плюс долг'),
  email: z.string().trim().max(254).pipe(z.email('Введите адрес электронной почты в виде name@example.ru')).optional().describe('Куда прислать чек; по умолчанию — адрес из настроек'),
  consent: z.literal(true, { error: 'Без согласия на обработку персональных данных оплата невозможна' }),
  requestId: z.string().regex(/^[a-z2-7]{32}$/).optional().describe('Ключ идемпотентности: тот же requestId — тот же заказ'),
});

const supportRequestSchema = z.object({
  id: z.number().int(),
  topic: z.string(),
  status: z.enum(['new', 'in_progress', 'answered', 'closed']),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export function v1Routes(services: Services): ApiRoute[] {
  const { overview, readings, history, payments, bills, support, cabinet, apiTokens, pin, passkeys } = services;

  function meterOf(accountId: number) {
    const subject = readings.subject(accountId);
    if (!subject.meter) throw new ApiError(422, 'no_meter', 'У лицевого счёта нет прибора учёта: начисления идут по нормативу.');
    return subject as { account: typeof subject.account; meter: NonNullable<typeof subject.meter> };
  }

  /** The same check as the «Передать» form; a question to confirm is a 409 with the messages. */
  function checkReading(accountId: number, body: z.infer<typeof readingBody>) {
    const { account, meter } = meterOf(accountId);
    const form: Record<string, unknown> = {};
    for (const zone of [1, 2, 3] as const) {
      const value = body[`zone${zone}`];
      if (value !== undefined) form[`zone${zone}`] = String(value);
    }
    const checked = readings.check(account, meter, form, body.confirmed === true);
    if (checked.kind === 'invalid') throw new ApiError(422, 'validation', 'Проверьте показания.', checked.errors);
    if (checked.kind === 'confirm') {
      throw new ApiError(409, 'confirmation_required', checked.confirmation.messages.join(' '), undefined, { confirmation: checked.confirmation });
    }
    return { account, meter, checked };
  }

  function historyOf(view: HistoryView, accountId: number, range: Range) {
    if (view === 'readings') return history.readings(accountId, range);
    if (view === 'payments') return history.payments(accountId, range);
    if (view === 'charges') return history.charges(accountId, range);
    return history.consumption(accountId, range);
  }

  const historyRoutes = historyViews.map((view) =>
    route({
      method: 'get',
      path: `/accounts/:link/history/${view}`,
      summary: `История: ${view}`,
      tag: 'История',
      auth: true,
      params: linkParams,
      query: historyQuery,
      responses: { 200: { description: 'Месяцы за период', schema: historySchema } },
      handler: ({ res, link, query }) => {
        const extent = history.extentOf(link.account_id);
        const parsed = history.parseRange(query as Record<string, unknown>, extent);
        if (!parsed.ok) throw new ApiError(422, 'validation', 'Проверьте период.', parsed.errors);
        const data = historyOf(view, link.account_id, parsed.range) as Record<string, unknown>;
        const { chart: _chart, ...rest } = data;
        res.json({ view, range: parsed.range, notice: parsed.notice, ...rest });
      },
    }),
  );

  return [
    route({
      method: 'post',
      path: '/login',
      summary: 'Вход: номер лицевого счёта и пароль → токен',
      tag: 'Вход',
      auth: false,
      body: z.object({ accountNumber: fields.accountNumber, password: fields.loginPassword }),
      responses: tokenResponse,
      errors: { 401: 'Неверный номер лицевого счёта или пароль', 403: 'Учётная запись не активирована', 429: 'Слишком много попыток (заголовок Retry-After)' },
      handler: async ({ req, res, body }) => {
        const result = await apiTokens.login(body.accountNumber, body.password, requestContext(req));
        if (result.kind === 'throttled') {
          res.setHeader('Retry-After', String(result.retryAfterSeconds));
          throw new ApiError(429, 'throttled', result.message);
        }
        if (result.kind === 'not_activated') throw new ApiError(403, 'not_activated', 'Учётная запись не активирована: перейдите по ссылке из письма.');
        if (result.kind === 'invalid') throw new ApiError(401, 'invalid_credentials', 'Неверный номер лицевого счёта или пароль.');
        sendToken(res, result);
      },
    }),
    route({
      method: 'post',
      path: '/login/pin',
      summary: 'Вход по PIN-коду на доверенном устройстве: токен устройства и 4 цифры → токен',
      tag: 'Вход',
      auth: false,
      body: z.object({ deviceToken: z.string().max(64), pin: pinField }),
      responses: tokenResponse,
      errors: { 401: 'Неверный PIN-код или устройство не доверенное', 423: 'Вход по PIN-коду на устройстве заблокирован: войдите с паролем', 429: 'Слишком много попыток' },
      handler: async ({ req, res, body }) => {
        const result = await pin.verifyLogin(body.deviceToken, body.pin, requestContext(req));
        if (result.kind === 'throttled') throw new ApiError(429, 'throttled', result.message);
        if (result.kind === 'locked') throw new ApiError(423, 'pin_locked', 'Вход по PIN-коду на этом устройстве заблокирован: войдите с номером счёта и паролем.');
        if (result.kind === 'no_device') throw new ApiError(401, 'unknown_device', 'Устройство не доверенное: войдите с номером счёта и паролем и установите PIN-код.');
        if (result.kind === 'wrong') throw new ApiError(401, 'wrong_pin', result.message);
        sendToken(res, apiTokens.issue(result.user.id, requestContext(req)));
      },
    }),
    route({
      method: 'post',
      path: '/login/passkey/options',
      summary: 'Вход по биометрии, шаг 1: токен доверенного устройства → параметры WebAuthn (challenge)',
      tag: 'Вход',
      auth: false,
      body: z.object({ deviceToken: z.string().max(64) }),
      responses: { 200: { description: 'PublicKeyCredentialRequestOptionsJSON для navigator.credentials.get', schema: z.object({ options: z.record(z.string(), z.unknown()) }) } },
      errors: { 403: 'Устройство не доверенное, заблокировано или без ключа доступа' },
      handler: async ({ res, body }) => {
        const result = await passkeys.loginOptions(body.deviceToken);
        if (!result.ok) throw new ApiError(result.status, result.code, result.message);
        res.json({ options: result.options });
      },
    }),
    route({
      method: 'post',
      path: '/login/passkey',
      summary: 'Вход по биометрии, шаг 2: ответ аутентификатора (AuthenticationResponseJSON) → токен',
      tag: 'Вход',
      auth: false,
      body: z.object({ deviceToken: z.string().max(64), response: z.object({ id: z.string().max(1024) }).loose() }),
      responses: tokenResponse,
      errors: { 400: 'Ответ не прошёл проверку (в том числе повтор)', 403: 'Устройство не доверенное', 429: 'Слишком много попыток' },
      handler: async ({ req, res, body }) => {
        const result = await passkeys.verifyLogin(body.deviceToken, body.response as never, requestContext(req));
        if (!result.ok) throw new ApiError(result.status, result.code, result.message);
        sendToken(res, apiTokens.issue(result.user.id, requestContext(req)));
      },
    }),
    route({
      method: 'post',
      path: '/pin',
      summary: 'Установить PIN-код: пароль и 4 цифры → токен доверенного устройства (хранить в приложении)',
      tag: 'Вход',
      auth: true,
      body: z.object({ password: fields.loginPassword, pin: pinField }),
      responses: { 200: { description: 'Токен устройства для входа по PIN-коду', schema: z.object({ deviceToken: z.string() }) } },
      errors: { 422: 'Неверный пароль' },
      handler: async ({ req, res, user, body }) => {
        const result = await pin.setPin(user, body, undefined, requestContext(req));
        if (!result.ok) throw new ApiError(422, 'validation', 'Проверьте данные', result.errors);
        res.json({ deviceToken: result.deviceToken });
      },
    }),
    route({
      method: 'post',
      path: '/logout',
      summary: 'Выход: токен больше не действует',
      tag: 'Вход',
      auth: true,
      responses: { 204: { description: 'Токен отозван' } },
      handler: ({ res, token }) => {
        apiTokens.revoke(token);
        res.status(204).end();
      },
    }),
    route({
      method: 'get',
      path: '/accounts',
      summary: 'Ваши лицевые счета (основной первым)',
      tag: 'Лицевые счета',
      auth: true,
      responses: { 200: { description: 'Связи с лицевыми счетами', schema: z.object({ accounts: z.array(accountSchema) }) } },
      handler: ({ res, user }) => {
        res.json({ accounts: cabinet.links(user.id).map((l) => ({ id: l.id, accountNumber: l.number, address: l.address, primary: l.is_primary === 1 })) });
      },
    }),
    route({
      method: 'get',
      path: '/accounts/:link/balance',
      summary: 'Баланс, срок оплаты и последние показания',
      tag: 'Лицевые счета',
      auth: true,
      params: linkParams,
      responses: { 200: { description: 'Состояние счёта сейчас', schema: balanceSchema } },
      handler: ({ res, link }) => {
        const view = overview.of(link.account_id);
        res.json({
          link: link.id,
          accountNumber: view.account.number,
          state: view.balance.kind,
          balanceKopecks: view.balance.kopecks,
          amountDueKopecks: view.amountDueKopecks,
          dueOn: view.lastCharge?.due_on ?? null,
          lastChargePeriod: view.lastCharge?.period ?? null,
          meter: view.meter ? { model: view.meter.model, serial: view.meter.serial, zones: view.meter.zones, digits: view.meter.digits, verifiedUntil: view.meter.verified_until } : null,
          lastReadings: view.lastReadings.map((r) => ({ zone: r.zone, value: r.value, period: r.period, submittedAt: iso(r.submitted_at) })),
        });
      },
    }),
    route({
      method: 'post',
      path: '/accounts/:link/readings',
      summary: 'Передать показания (по одному целому числу на зону)',
      tag: 'Показания',
      auth: true,
      params: linkParams,
      body: readingBody,
      responses: { 201: { description: 'Показания приняты (status=review — на проверке у специалиста)', schema: readingResult } },
      errors: { 409: 'Нужно подтверждение (переход через ноль или большой расход): повторите с confirmed=true', 422: 'Показания не приняты: сообщения в error.fields (zone1…zone3); no_meter — у счёта нет прибора учёта' },
      handler: ({ req, res, user, link, body }) => {
        const { account, meter, checked } = checkReading(link.account_id, body);
        const seq = readings.submit(account, meter, checked, { userId: user.id, source: 'customer' }, requestContext(req));
        res.status(201).json({
          seq,
          period: readings.submission(account.id, seq)[0].period,
          status: checked.jump ? 'review' : 'accepted',
          values: checked.values,
          consumptionKwh: checked.consumption,
          estimateKopecks: readings.estimate(account, meter, checked.consumption).amountKopecks,
        });
      },
    }),
    ...historyRoutes,
    route({
      method: 'post',
      path: '/accounts/:link/payments',
      summary: 'Начать оплату картой: ответ — адрес платёжной страницы банка',
      tag: 'Оплата',
      auth: true,
      params: linkParams,
      body: paymentBody,
      responses: { 201: { description: 'Заказ зарегистрирован в банке', schema: z.object({ formUrl: z.string(), requestId: z.string() }) } },
      errors: { 409: 'Нужно подтверждение показаний (confirmed=true)', 502: 'Банк не ответил: попробуйте позже' },
      handler: async ({ req, res, user, link, body }) => {
        const subject = readings.subject(link.account_id);
        let reading = null;
        if (subject.meter) {
          if (body.zone1 === undefined) throw new ApiError(422, 'validation', 'Без показаний оплатить нельзя: у лицевого счёта есть прибор учёта.', { zone1: 'Введите показания' });
          reading = { meter: subject.meter, checked: checkReading(link.account_id, body).checked };
        }
        const quote = payments.quote(subject.account, subject.meter, reading?.checked.consumption ?? null);
        const amount = body.amountKopecks ?? quote.suggestedKopecks;
        const { minKopecks, maxKopecks } = payments.limits;
        if (amount === null) throw new ApiError(422, 'validation', 'Переплата покрывает начисление: укажите сумму.', { amountKopecks: 'Укажите сумму к оплате' });
        if (amount < minKopecks || amount > maxKopecks) {
          throw new ApiError(422, 'validation', 'Сумма вне допустимых пределов.', { amountKopecks: `Сумма — от ${services.format.money(minKopecks)} до ${services.format.money(maxKopecks)}` });
        }
        const requestId = body.requestId ?? randomToken();
        const result = await payments.start({
          account: subject.account,
          linkId: link.id,
          userId: user.id,
          formToken: requestId,
          amountKopecks: amount,
          email: body.email ?? user.email,
          reading,
          context: requestContext(req),
        });
        if (result.kind === 'stale') throw new ApiError(409, 'stale_request', 'Этот requestId уже использован для другого лицевого счёта.');
        if (result.kind === 'failed') throw new ApiError(502, 'payment_failed', result.message);
        res.status(201).json({ formUrl: result.location, requestId });
      },
    }),
    route({
      method: 'get',
      path: '/accounts/:link/bills/:period',
      summary: 'Счёт за закрытый месяц, PDF',
      tag: 'Счета',
      auth: true,
      params: linkParams.extend({ period: z.string().regex(/^\d{4}-\d{2}$/, 'Месяц — ГГГГ-ММ') }),
      responses: { 200: { description: 'PDF-файл счёта', contentType: 'application/pdf' } },
      errors: { 404: 'Счёта за этот месяц нет (месяц не закрыт) или счёт не ваш', 503: 'PDF сейчас не формируется: попробуйте позже' },
      handler: async ({ res, link, params }) => {
        if (!isPeriod(params.period)) throw new ApiError(404, 'not_found', 'Счёт не найден.');
        const bill = await bills.statement(link.account_id, params.period, { qrImage: false });
        if (!bill) throw new ApiError(404, 'not_found', 'Счёт за этот месяц не найден: месяц ещё не закрыт.');
        const download = await bills.pdfOf(bill);
        if (download.kind === 'unavailable') throw new ApiError(503, 'pdf_unavailable', 'Не удалось сформировать PDF. Попробуйте позже.');
        const name = bills.fileName(bill);
        res.setHeader('Content-Type', 'application/pdf');
        res.setHeader('Content-Disposition', `attachment; filename="${name.ascii}"`);
        res.send(download.pdf);
      },
    }),
    route({
      method: 'get',
      path: '/accounts/:link/support/requests',
      summary: 'Обращения по этому лицевому счёту',
      tag: 'Поддержка',
      auth: true,
      params: linkParams,
      responses: { 200: { description: 'Обращения, новые сначала', schema: z.object({ requests: z.array(supportRequestSchema) }) } },
      handler: ({ res, user, link }) => {
        const rows = support.listForUser(user.id).filter((r) => r.account_id === link.account_id);
        res.json({ requests: rows.map((r) => ({ id: r.id, topic: r.topic, status: r.status, createdAt: iso(r.created_at), updatedAt: iso(r.updated_at) })) });
      },
    }),
    route({
      method: 'post',
      path: '/accounts/:link/support/requests',
      summary: 'Новое обращение (без вложений: файлы — через веб-форму)',
      tag: 'Поддержка',
      auth: true,
      params: linkParams,
      body: z.object({
        topic: z.enum(supportTopics, { error: 'Выберите тему обращения' }),
        text: z.string({ error: 'Опишите вопрос' }).trim().min(1, 'Опишите вопрос').max(maxTextChars, `Текст обращения — не длиннее ${maxTextChars} символов.`),
      }),
      responses: { 201: { description: 'Обращение создано', schema: z.object({ id: z.number().int() }) } },
      handler: ({ req, res, user, link, body }) => {
        const id = support.create(user.id, { accountId: link.account_id, topic: body.topic, text: body.text }, [], requestContext(req));
        res.status(201).json({ id });
      },
    }),
    route({
      method: 'get',
      path: '/accounts/:link/support/requests/:request',
      summary: 'Обращение с перепиской',
      tag: 'Поддержка',
      auth: true,
      params: linkParams.extend({ request: z.string().regex(/^[1-9]\d{0,15}$/, 'Номер обращения — число') }),
      responses: {
        200: {
          description: 'Обращение и сообщения',
          schema: supportRequestSchema.extend({
            messages: z.array(z.object({ author: z.enum(['customer', 'operator']), text: z.string(), createdAt: z.string(), attachments: z.array(z.object({ name: z.string(), contentType: z.string(), sizeBytes: z.number().int() })) })),
          }),
        },
      },
      handler: ({ res, user, link, params }) => {
        const found = support.forUser(user.id, Number(params.request));
        if (!found || found.request.account_id !== link.account_id) throw new ApiError(404, 'not_found', 'Обращение не найдено.');
        const r = found.request;
        res.json({
          id: r.id,
          topic: r.topic,
          status: r.status,
          createdAt: iso(r.created_at),
          updatedAt: iso(r.updated_at),
          messages: found.messages.map((m) => ({
            author: m.author,
            text: m.body,
            createdAt: iso(m.created_at),
            attachments: m.attachments.map((a) => ({ name: a.original_name, contentType: a.content_type, sizeBytes: a.size_bytes })),
          })),
        });
      },
    }),
  ];
}
