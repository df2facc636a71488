// /api/v1 accounts: the user's accounts, an account's balance, submitting readings, and history.
import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import type { CheckedReading } from '../../services/billing/readings.ts';
import type { HistoryView } from '../../services/history/history.ts';
import type { Services } from '../../services/index.ts';
import { ApiError } from './errors.ts';
import { apiRouter, contextOf } from './guards.ts';
import { errors, json, jsonBody } from './openapi.ts';
import { accountSchema, balanceSchema, historyQuery, historySchema, iso, linkParams, readingBody, readingResult } from './schemas.ts';

const accounts = createRoute({
  method: 'get',
  path: '/accounts',
  summary: 'Ваши лицевые счета (основной первым)',
  tags: ['Лицевые счета'],
  responses: { 200: json('Связи с лицевыми счетами', z.object({ accounts: z.array(accountSchema) })), ...errors(401) },
});

const balance = createRoute({
  method: 'get',
  path: '/accounts/{link}/balance',
  summary: 'Баланс, срок оплаты и последние показания',
  tags: ['Лицевые счета'],
  request: { params: linkParams },
  responses: { 200: json('Состояние счёта сейчас', balanceSchema), ...errors(401, 404) },
});

const submitReadings = createRoute({
  method: 'post',
  path: '/accounts/{link}/readings',
  summary: 'Передать показания (по одному целому числу на зону)',
  tags: ['Показания'],
  request: { params: linkParams, body: jsonBody(readingBody) },
  responses: {
    201: json('Показания приняты (status=review — на проверке у специалиста)', readingResult),
    ...errors(400, 401, 404, 413, 415, [409, 'Нужно подтверждение (переход через ноль или большой расход): повторите с confirmed=true'], [422, 'Показания не приняты: сообщения в error.fields (zone1…zone3); no_meter — у счёта нет прибора учёта']),
  },
});

function historyRoute<V extends HistoryView>(view: V) {
  return createRoute({
    method: 'get',
    path: `/accounts/{link}/history/${view}` as `/accounts/{link}/history/${V}`,
    summary: `История: ${view}`,
    tags: ['История'],
    request: { params: linkParams, query: historyQuery },
    responses: { 200: json('Месяцы за период', historySchema), ...errors(401, 404, 422) },
  });
}

type AcceptedReading = Extract<CheckedReading, { kind: 'valid' }>;

const noMeter = () => new ApiError(422, 'no_meter', 'У лицевого счёта нет прибора учёта: начисления идут по нормативу.');

/** The JSON body's zones as the form's fields. */
export function readingFields(body: z.infer<typeof readingBody>): Record<string, unknown> {
  const form: Record<string, unknown> = {};
  for (const zone of [1, 2, 3] as const) {
    const value = body[`zone${zone}`];
    if (value !== undefined) form[`zone${zone}`] = String(value);
  }
  return form;
}

/** A check that did not pass: a 422 with the fields' messages, or a question to confirm as a 409. */
export function accepted(checked: CheckedReading): AcceptedReading {
  if (checked.kind === 'invalid') throw new ApiError(422, 'validation', 'Проверьте показания.', checked.errors);
  if (checked.kind === 'confirm') throw new ApiError(409, 'confirmation_required', checked.confirmation.messages.join(' '), undefined, { confirmation: checked.confirmation });
  return checked;
}

/** The same check as the «Передать» form, the account read with the other requests of this turn. */
async function checkSubmission(services: Services, accountId: number, body: z.infer<typeof readingBody>) {
  const { account, meter, checked } = await services.readings.checkSubmission(accountId, readingFields(body), body.confirmed === true);
  if (!meter || !checked) throw noMeter();
  return { account, meter, checked: accepted(checked) };
}

async function balanceOf(services: Services, link: { id: number; account_id: number }): Promise<z.infer<typeof balanceSchema>> {
  const view = await services.overview.of(link.account_id);
  return {
    link: link.id,
    accountNumber: view.account.number,
    state: view.balance.kind,
    balanceKopecks: view.balance.kopecks,
    amountDueKopecks: view.amountDueKopecks,
    dueOn: view.lastCharge?.due_on ?? null,
    lastChargePeriod: view.lastCharge?.period ?? null,
    meter: view.meter ? { model: view.meter.model, serial: view.meter.serial, zones: view.meter.zones, digits: view.meter.digits, verifiedUntil: view.meter.verified_until } : null,
    lastReadings: view.lastReadings.map((r) => ({ zone: r.zone, value: r.value, period: r.period, submittedAt: iso(r.submitted_at) })),
  };
}

async function historyOf(services: Services, view: HistoryView, accountId: number, query: Record<string, unknown>): Promise<z.infer<typeof historySchema>> {
  const { history } = services;
  const parsed = history.parseRange(query, await history.extentOf(accountId));
  if (!parsed.ok) throw new ApiError(422, 'validation', 'Проверьте период.', parsed.errors);
  const range = parsed.range;
  const data = (await history.view(view, accountId, range)) as Record<string, unknown>;
  const { chart: _chart, ...rest } = data;
  return { view, range, notice: parsed.notice, ...rest } as z.infer<typeof historySchema>;
}

export function accountRoutes(services: Services) {
  const { readings } = services;
  return apiRouter()
    .openapi(accounts, (c) => {
      const links = c.get('links');
      return c.json({ accounts: links.map((l) => ({ id: l.id, accountNumber: l.number, address: l.address, primary: l.is_primary === 1 })) }, 200);
    })
    .openapi(balance, async (c) => c.json(await balanceOf(services, c.get('link')), 200))
    .openapi(submitReadings, async (c) => {
      const { account, meter, checked } = await checkSubmission(services, c.get('link').account_id, c.req.valid('json'));
      const seq = await readings.submitGrouped(account, meter, checked, { userId: c.get('user').id, source: 'customer' }, contextOf(c));
      return c.json(
        {
          seq,
          period: readings.submission(account.id, seq)[0].period,
          status: checked.jump ? ('review' as const) : ('accepted' as const),
          values: checked.values,
          consumptionKwh: checked.consumption,
          estimateKopecks: readings.estimate(account, meter, checked.consumption).amountKopecks,
        },
        201,
      );
    })
    .openapi(historyRoute('readings'), async (c) => c.json(await historyOf(services, 'readings', c.get('link').account_id, c.req.valid('query')), 200))
    .openapi(historyRoute('payments'), async (c) => c.json(await historyOf(services, 'payments', c.get('link').account_id, c.req.valid('query')), 200))
    .openapi(historyRoute('charges'), async (c) => c.json(await historyOf(services, 'charges', c.get('link').account_id, c.req.valid('query')), 200))
    .openapi(historyRoute('consumption'), async (c) => c.json(await historyOf(services, 'consumption', c.get('link').account_id, c.req.valid('query')), 200));
}
