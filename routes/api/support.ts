// /api/v1 support: an account's requests, a new one (text only), one with its messages.
import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import type { Services } from '../../services/index.ts';
import { maxTextChars, supportTopics } from '../../services/support/support.ts';
import { ApiError } from './errors.ts';
import { apiRouter, contextOf } from './guards.ts';
import { errors, json, jsonBody } from './openapi.ts';
import { iso, linkParams, supportRequestSchema } from './schemas.ts';

const tags = ['Поддержка'];

const list = createRoute({
  method: 'get',
  path: '/accounts/{link}/support/requests',
  summary: 'Обращения по этому лицевому счёту',
  tags,
  request: { params: linkParams },
  responses: { 200: json('Обращения, новые сначала', z.object({ requests: z.array(supportRequestSchema) })), ...errors(401, 404) },
});

const create = createRoute({
  method: 'post',
  path: '/accounts/{link}/support/requests',
  summary: 'Новое обращение (без вложений: файлы — через веб-форму)',
  tags,
  request: {
    params: linkParams,
    body: jsonBody(
      z.strictObject({
        topic: z.enum(supportTopics, { error: 'Выберите тему обращения' }),
        text: z.string({ error: 'Опишите вопрос' }).trim().min(1, 'Опишите вопрос').max(maxTextChars, `Текст обращения — не длиннее ${maxTextChars} символов.`),
      }),
    ),
  },
  responses: { 201: json('Обращение создано', z.object({ id: z.number().int() })), ...errors(400, 401, 404, 413, 415, 422) },
});

const messageSchema = z.object({
  author: z.enum(['customer', 'operator']),
  text: z.string(),
  createdAt: z.string(),
  attachments: z.array(z.object({ name: z.string(), contentType: z.string(), sizeBytes: z.number().int() })),
});

const one = createRoute({
  method: 'get',
  path: '/accounts/{link}/support/requests/{request}',
  summary: 'Обращение с перепиской',
  tags,
  request: { params: linkParams.extend({ request: z.string().regex(/^[1-9]\d{0,15}$/, 'Номер обращения — число') }) },
  responses: { 200: json('Обращение и сообщения', supportRequestSchema.extend({ messages: z.array(messageSchema) })), ...errors(401, 404) },
});

type RequestRow = { id: number; topic: string; status: z.infer<typeof supportRequestSchema>['status']; created_at: number; updated_at: number };
const summaryOf = (r: RequestRow) => ({ id: r.id, topic: r.topic, status: r.status, createdAt: iso(r.created_at), updatedAt: iso(r.updated_at) });

function requestOf(services: Services, userId: number, accountId: number, requestId: number) {
  const found = services.support.forUser(userId, requestId);
  if (!found || found.request.account_id !== accountId) throw new ApiError(404, 'not_found', 'Обращение не найдено.');
  return {
    ...summaryOf(found.request),
    messages: found.messages.map((m) => ({
      author: m.author,
      text: m.body,
      createdAt: iso(m.created_at),
      attachments: m.attachments.map((a) => ({ name: a.original_name, contentType: a.content_type, sizeBytes: a.size_bytes })),
    })),
  };
}

export function supportRoutes(services: Services) {
  const { support } = services;
  return apiRouter()
    .openapi(list, (c) => {
      const rows = support.listForUser(c.get('user').id, c.get('link').account_id);
      return c.json({ requests: rows.map(summaryOf) }, 200);
    })
    .openapi(create, (c) => {
      const body = c.req.valid('json');
      const id = support.create(c.get('user').id, { accountId: c.get('link').account_id, topic: body.topic, text: body.text }, [], contextOf(c));
      return c.json({ id }, 201);
    })
    .openapi(one, (c) => c.json(requestOf(services, c.get('user').id, c.get('link').account_id, Number(c.req.valid('param').request)), 200));
}
