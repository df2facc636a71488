// The back office's support desk under /ops: the queue of requests, answers with attachments,
// statuses, and a read-only look at an account as its customer sees it. Every action is audited.
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { QueueFilter, RequestStatus } from '../../db/support/support.ts';
import type { Services } from '../../services/index.ts';
import { maxTextChars, requestStatuses, statusNames } from '../../services/support/support.ts';
import { uploadLimits } from '../../services/support/uploads.ts';
import { parseForm } from '../forms.ts';
import { requireOperator } from './operators.ts';
import { requestContext } from '../request-context.ts';
import { idParam, incomingFiles, sendAttachment } from '../support/support.ts';

const answerSchema = z.object({
  text: z.string({ error: 'Напишите ответ' }).trim().min(1, 'Напишите ответ').max(maxTextChars, `Ответ — не длиннее ${maxTextChars} символов.`),
});
const statusSchema = z.object({ status: z.enum(requestStatuses as [RequestStatus, ...RequestStatus[]], { error: 'Выберите статус' }) });

/** The queue's filter from the query string: «open» (новые и в работе) unless a status or «all» is asked for. */
function queueFilterOf(value: unknown): QueueFilter {
  return value === 'all' || (requestStatuses as readonly unknown[]).includes(value) ? (value as QueueFilter) : 'open';
}

export function opsSupportRoutes(services: Services): Router {
  const router = Router();
  const { support, audit, overview } = services;
  router.use(['/requests', '/accounts'], requireOperator);

  function load(req: Request) {
    const id = idParam(req.params.request);
    return id === null ? undefined : support.forOperator(id);
  }

  function notFound(res: Response) {
    res.status(404).render('pages/errors/not-found', { title: 'Страница не найдена' });
  }

  function renderRequest(res: Response, status: number, conversation: NonNullable<ReturnType<typeof load>>, extra: Record<string, unknown> = {}) {
    res.status(status).render('pages/ops/support-request', {
      title: `Обращение № ${conversation.request.id}`,
      conversation,
      statusNames,
      requestStatuses,
      maxTextChars,
      uploadLimits,
      values: {},
      errors: {},
      notice: undefined,
      ...extra,
    });
  }

  router.get('/requests', (req, res) => {
    const page = support.queue(queueFilterOf(req.query.status), { before: idParam(req.query.before) ?? undefined, after: idParam(req.query.after) ?? undefined });
    res.render('pages/ops/support-queue', { title: 'Обращения клиентов', page, statusNames, requestStatuses });
  });

  router.get('/requests/:request', (req, res) => {
    const conversation = load(req);
    if (!conversation) return notFound(res);
    audit.record(requestContext(req), { event: 'operator.support_view', operatorId: res.locals.operator!.id, accountId: conversation.request.account_id, detail: { request: conversation.request.id } });
    const notice = req.query.notice === 'answered' ? 'Ответ отправлен, клиенту ушло письмо.' : req.query.notice === 'status' ? 'Статус изменён.' : undefined;
    renderRequest(res, 200, conversation, { notice });
  });

  router.post('/requests/:request/answer', async (req, res) => {
    const conversation = load(req);
    if (!conversation) return notFound(res);
    const values = { text: typeof req.body?.text === 'string' ? req.body.text.slice(0, maxTextChars + 100) : '' };
    const incoming = incomingFiles(req, res);
    const form = parseForm(answerSchema, req.body);
    const errors: Record<string, string> = form.ok ? {} : { ...form.errors };
    const files = incoming.error ? null : support.checkFiles(incoming.files);
    if (incoming.error) errors.files = incoming.error;
    else if (files && !files.ok) Object.assign(errors, files.errors);
    if (!form.ok || !files || !files.ok) return renderRequest(res, 422, conversation, { values, errors });
    await support.answer(res.locals.operator!.id, conversation.request, form.data.text, files.files, requestContext(req));
    res.redirect(303, `/ops/requests/${conversation.request.id}?notice=answered`);
  });

  router.post('/requests/:request/status', (req, res) => {
    const conversation = load(req);
    if (!conversation) return notFound(res);
    const form = parseForm(statusSchema, req.body);
    if (!form.ok) return renderRequest(res, 422, conversation, { errors: form.errors });
    support.setStatus(res.locals.operator!.id, conversation.request, form.data.status, requestContext(req));
    res.redirect(303, `/ops/requests/${conversation.request.id}?notice=status`);
  });

  router.get('/requests/:request/files/:file', (req, res) => {
    const conversation = load(req);
    const fileId = idParam(req.params.file);
    const file = conversation && fileId !== null ? support.file(conversation.request.id, fileId) : undefined;
    if (!conversation || !file) return notFound(res);
    audit.record(requestContext(req), { event: 'operator.support_file', operatorId: res.locals.operator!.id, accountId: conversation.request.account_id, detail: { request: conversation.request.id, file: file.row.id } });
    sendAttachment(res, file);
  });

  router.get('/accounts', (req, res) => {
    const query = typeof req.query.q === 'string' ? req.query.q.trim().slice(0, 100) : '';
    const hits = support.findAccounts(query);
    if (query) audit.record(requestContext(req), { event: 'operator.account_search', operatorId: res.locals.operator!.id, detail: { results: hits.length } });
    res.render('pages/ops/support-accounts', { title: 'Поиск лицевого счёта', query, hits, tooShort: query.length === 1 });
  });

  router.get('/accounts/:account', async (req, res) => {
    const id = idParam(req.params.account);
    const view = id === null ? undefined : await overview.find(id);
    if (!view) return notFound(res);
    audit.record(requestContext(req), { event: 'operator.account_view', operatorId: res.locals.operator!.id, accountId: view.account.id });
    res.render('pages/ops/support-account', { title: 'Лицевой счёт', view });
  });

  return router;
}
