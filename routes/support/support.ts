// Центр поддержки under /a/<link>/support: the customer's requests, the conversation, attachments,
// and Контакты; plus the multipart parser that reads upload forms before the CSRF check.
import multer, { MulterError } from 'multer';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import type { Services } from '../../services/index.ts';
import { maxTextChars, statusNames, supportTopics, type IncomingFile } from '../../services/support/support.ts';
import { uploadLimits } from '../../services/support/uploads.ts';
import { keptValues, parseForm } from '../forms.ts';
import type { CookieSettings } from '../middleware/cookies.ts';
import { requestContext } from '../request-context.ts';

/** POST routes whose forms carry files: customers' and operators'. */
const customerUploadPaths = [/^\/a\/[^/]+\/support\/new$/, /^\/a\/[^/]+\/support\/[^/]+\/reply$/];
const operatorUploadPaths = [/^\/ops\/requests\/[^/]+\/answer$/];

const uploadErrorMessages: Record<string, string> = {
  LIMIT_FILE_SIZE: 'Файл больше 10 МБ. Приложите файл поменьше.',
  LIMIT_FILE_COUNT: `Можно приложить не больше ${uploadLimits.files} файлов.`,
  LIMIT_UNEXPECTED_FILE: `Можно приложить не больше ${uploadLimits.files} файлов.`,
  LIMIT_FIELD_VALUE: `Текст обращения — не длиннее ${maxTextChars} символов.`,
};

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Locals {
      /** Set by supportUploads when the multipart body broke a limit; the route shows it by the files field. */
      uploadError?: string;
    }
  }
}

/**
 * Parses multipart bodies for the upload routes only, and only for a logged-in customer or
 * operator, so the CSRF check (mounted after it) can read the form's token. Files stay in memory
 * (5 × 10 MB at most) until the route has checked their content. A broken limit is not an error
 * page: the form comes back with the message, like any other bad input.
 */
export function supportUploads(services: Services, cookies: CookieSettings): RequestHandler {
  const parse = multer({
    storage: multer.memoryStorage(),
    defParamCharset: 'utf8',
    limits: { fileSize: uploadLimits.fileBytes, files: uploadLimits.files, fields: 20, fieldSize: 1024 * 1024, parts: 30, headerPairs: 100 },
  }).array('files', uploadLimits.files);
  return (req, res, next) => {
    if (req.method !== 'POST') return next();
    const forCustomer = customerUploadPaths.some((re) => re.test(req.path));
    const forOperator = !forCustomer && operatorUploadPaths.some((re) => re.test(req.path));
    if (!forCustomer && !forOperator) return next();
    const operatorToken: unknown = req.cookies?.[cookies.operatorName];
    const allowed = forCustomer ? !!res.locals.user : typeof operatorToken === 'string' && services.operators.validate(operatorToken) !== null;
    if (!allowed) return next();
    parse(req, res, (error: unknown) => {
      if (!error) return next();
      // Limits, and bodies busboy cannot read (a raw null byte in a file name makes a «malformed
      // part header»): the form comes back with a message; the CSRF check still runs on what was read.
      res.locals.uploadError =
        error instanceof MulterError
          ? (uploadErrorMessages[error.code] ?? 'Не удалось принять файлы. Попробуйте ещё раз.')
          : 'Не удалось прочитать файлы. Переименуйте файл (без служебных символов в имени) и выберите его снова.';
      req.files = [];
      next();
    });
  };
}

/** The files the parser kept, or the limit it reported, as the support service takes them. */
export function incomingFiles(req: Request, res: Response): { files: IncomingFile[]; error: string | undefined } {
  const files = Array.isArray(req.files) ? (req.files as IncomingFile[]) : [];
  return { files, error: res.locals.uploadError };
}

const requestSchema = z.object({
  topic: z.enum(supportTopics, { error: 'Выберите тему обращения' }),
  account: z.string({ error: 'Выберите лицевой счёт' }).regex(/^\d{1,15}$/, 'Выберите лицевой счёт'),
  text: z
    .string({ error: 'Опишите вопрос' })
    .trim()
    .min(1, 'Опишите вопрос')
    .max(maxTextChars, `Текст обращения — не длиннее ${maxTextChars} символов.`),
});
const replySchema = requestSchema.pick({ text: true });
/** What each field's htmx check parses: the same rules as the whole form's. */
const fieldSchemas: Record<string, z.ZodType> = { topic: requestSchema.pick({ topic: true }), account: requestSchema.pick({ account: true }), text: replySchema };

export function idParam(value: unknown): number | null {
  const text = String(value ?? '');
  return /^[1-9]\d{0,15}$/.test(text) && Number.isSafeInteger(Number(text)) ? Number(text) : null;
}

/** Sends a stored attachment as a download that no browser renders in place. */
export function sendAttachment(res: Response, file: { row: { original_name: string; content_type: string; size_bytes: number }; path: string }) {
  res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Cache-Control', 'private, no-store');
  res.attachment(file.row.original_name);
  res.type(file.row.content_type);
  res.sendFile(file.path, { dotfiles: 'deny', headers: { 'Content-Type': file.row.content_type } });
}

function notFound(res: Response) {
  res.status(404).render('pages/errors/not-found', { title: 'Страница не найдена' });
}

export function supportRoutes(services: Services): Router {
  const router = Router({ mergeParams: true });
  const { support } = services;
  const base = (res: Response) => `/a/${res.locals.link!.id}/support`;

  function renderNew(res: Response, status: number, extra: Record<string, unknown> = {}) {
    res.status(status).render('pages/support/new', {
      title: 'Новое обращение',
      section: 'support',
      topics: supportTopics,
      maxTextChars,
      uploadLimits,
      values: { account: String(res.locals.link!.id) },
      errors: {},
      ...extra,
    });
  }

  function ownRequest(req: Request, res: Response) {
    const id = idParam(req.params.request);
    return id === null ? undefined : support.forUser(res.locals.user!.id, id);
  }

  function renderRequest(res: Response, status: number, conversation: NonNullable<ReturnType<typeof ownRequest>>, extra: Record<string, unknown> = {}) {
    res.status(status).render('pages/support/show', {
      title: `Обращение № ${conversation.request.id}`,
      section: 'support',
      conversation,
      statusNames,
      maxTextChars,
      uploadLimits,
      values: {},
      errors: {},
      notice: undefined,
      ...extra,
    });
  }

  router.get('/support', (req, res) => {
    res.render('pages/support/index', {
      title: 'Центр поддержки',
      section: 'support',
      requests: support.listForUser(res.locals.user!.id),
      statusNames,
      notice: req.query.notice === 'closed' ? 'Обращение закрыто.' : undefined,
    });
  });

  router.get('/support/new', (_req, res) => renderNew(res, 200));

  router.post('/support/new', (req, res) => {
    const values = keptValues(req.body, ['topic', 'account', 'text']);
    values.text = typeof req.body?.text === 'string' ? req.body.text.slice(0, maxTextChars + 100) : '';
    const incoming = incomingFiles(req, res);
    const form = parseForm(requestSchema, req.body);
    const errors = form.ok ? {} : { ...form.errors };
    const link = form.ok ? res.locals.links!.find((l) => String(l.id) === form.data.account) : undefined;
    if (form.ok && !link) errors.account = 'Выберите лицевой счёт из списка';
    const files = incoming.error ? null : support.checkFiles(incoming.files);
    if (incoming.error) errors.files = incoming.error;
    else if (files && !files.ok) Object.assign(errors, files.errors);
    if (!form.ok || !link || !files || !files.ok) return renderNew(res, 422, { values, errors });
    const id = support.create(res.locals.user!.id, { accountId: link.account_id, topic: form.data.topic, text: form.data.text }, files.files, requestContext(req));
    res.redirect(303, `${base(res)}/${id}?notice=sent`);
  });

  // A field of the new-request or reply form checks itself as it changes (htmx); the form's POST checks it all again.
  router.post('/support/check', (req, res) => {
    const field = String(req.query.field ?? '');
    const schema = Object.hasOwn(fieldSchemas, field) ? fieldSchemas[field] : undefined;
    if (!schema) return notFound(res);
    const formId = req.query.form === 'reply-form' ? 'reply-form' : 'request-form';
    const links = res.locals.links ?? [];
    const values = keptValues(req.body, ['topic', 'account']);
    values.text = typeof req.body?.text === 'string' ? req.body.text.slice(0, maxTextChars + 100) : '';
    const form = parseForm(schema, req.body);
    const errors: Record<string, string> = form.ok ? {} : { [field]: form.errors[field] ?? Object.values(form.errors)[0] };
    if (form.ok && field === 'account' && !links.some((l) => String(l.id) === values.account)) errors.account = 'Выберите лицевой счёт из списка';
    res.render('pages/support/field-check', {
      field,
      formId,
      label: formId === 'reply-form' ? 'Сообщение' : 'Текст обращения',
      topics: supportTopics,
      maxTextChars,
      values,
      errors,
    });
  });

  router.get('/support/:request', (req, res) => {
    const conversation = ownRequest(req, res);
    if (!conversation) return notFound(res);
    const notice = req.query.notice === 'sent' ? 'Обращение отправлено. Ответ придёт сюда, а мы сообщим о нём письмом.' : req.query.notice === 'replied' ? 'Сообщение отправлено.' : undefined;
    renderRequest(res, 200, conversation, { notice });
  });

  router.post('/support/:request/reply', (req, res) => {
    const conversation = ownRequest(req, res);
    if (!conversation) return notFound(res);
    const values = { text: typeof req.body?.text === 'string' ? req.body.text.slice(0, maxTextChars + 100) : '' };
    const incoming = incomingFiles(req, res);
    const form = parseForm(replySchema, req.body);
    const errors = form.ok ? {} : { ...form.errors };
    const files = incoming.error ? null : support.checkFiles(incoming.files);
    if (incoming.error) errors.files = incoming.error;
    else if (files && !files.ok) Object.assign(errors, files.errors);
    if (!form.ok || !files || !files.ok) return renderRequest(res, 422, conversation, { values, errors });
    support.reply(res.locals.user!.id, conversation.request, form.data.text, files.files, requestContext(req));
    res.redirect(303, `${base(res)}/${conversation.request.id}?notice=replied`);
  });

  router.post('/support/:request/close', (req, res) => {
    const conversation = ownRequest(req, res);
    if (!conversation) return notFound(res);
    support.close(res.locals.user!.id, conversation.request, requestContext(req));
    res.redirect(303, `${base(res)}?notice=closed`);
  });

  router.get('/support/:request/files/:file', (req, res) => {
    const conversation = ownRequest(req, res);
    const fileId = idParam(req.params.file);
    const file = conversation && fileId !== null ? support.file(conversation.request.id, fileId) : undefined;
    if (!file) return notFound(res);
    sendAttachment(res, file);
  });

  return router;
}
