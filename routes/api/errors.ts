// The API's one error body, {error: {code, message, fields?}}: what handlers throw, how every
// failure (validation, body parsing, limits, a bug) becomes it, and how the document names it.
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';

type ErrorBody = { error: { code: string; message: string; fields?: Record<string, string> } };

/** Thrown by handlers and guards; the API's error handler turns it into the JSON error body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields?: Record<string, string>,
    readonly extra?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export const errorSchema = z.object({
  error: z.object({
    code: z.string().describe('Машиночитаемый код: validation, bad_json, too_large, unauthorized, not_found, throttled, …'),
    message: z.string().describe('Сообщение для человека, по-русски'),
    fields: z.record(z.string(), z.string()).optional().describe('Сообщения у полей запроса, по их именам'),
  }),
}).meta({ id: 'Error' });

export const standardErrors = {
  400: 'Тело запроса — не JSON',
  401: 'Нет токена, токен неверен или истёк',
  404: 'Лицевой счёт (или другой объект) не найден среди ваших',
  413: 'Тело запроса больше 100 КБ',
  415: 'Тело запроса должно быть application/json',
  422: 'Данные не прошли проверку: сообщения в error.fields',
} as const;

/** Field messages by path ('zone1', 'response.id'); an unknown field is named as such. */
function fieldErrors(error: z.ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const at = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) fields[at ? `${at}.${key}` : key] ??= 'Неизвестное поле: уберите его из запроса';
    } else fields[at || 'body'] ??= issue.message;
  }
  return fields;
}

export function errorResponse(c: Context, status: number, code: string, message: string, fields?: Record<string, string>, extra?: Record<string, unknown>): Response {
  const body: ErrorBody = { error: { code, message, ...(fields ? { fields } : {}), ...extra } };
  if (status === 401) c.header('WWW-Authenticate', 'Bearer');
  return c.json(body, status as 400);
}

/** What Hono itself throws (malformed JSON, a wrong content type) and any other failure. */
export function toErrorResponse(error: unknown, c: Context, log: (error: unknown) => void): Response {
  if (error instanceof ApiError) return errorResponse(c, error.status, error.code, error.message, error.fields, error.extra);
  if (error instanceof HTTPException && error.status === 400) return errorResponse(c, 400, 'bad_json', 'Тело запроса — не корректный JSON.');
  if (error instanceof HTTPException && error.status === 415) return errorResponse(c, 415, 'unsupported_media_type', 'Тело запроса должно быть JSON (Content-Type: application/json).');
  if (error instanceof HTTPException && error.status < 500) return errorResponse(c, error.status, 'bad_request', 'Запрос не принят.');
  log(error);
  return errorResponse(c, 500, 'server_error', 'Ошибка на сервере. Попробуйте позже.');
}

/** A request part that fails its schema: a malformed id in the path is as unknown as a foreign one. */
export function validationHook(result: { success: true } | { success: false; error: z.ZodError; target: string }): void {
  if (result.success) return;
  if (result.target === 'param') throw new ApiError(404, 'not_found', 'Не найдено.');
  throw new ApiError(422, 'validation', 'Проверьте данные запроса.', fieldErrors(result.error));
}
