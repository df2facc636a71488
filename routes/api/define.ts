// The JSON API's route table format: each route names its method, path, zod schemas and answers,
// so one definition both validates requests and generates the OpenAPI document.
import type { Request, Response } from 'express';
import { z } from 'zod';
import type { AccountLinkRow, UserRow } from '../../db/auth/users.ts';

export type ErrorBody = { error: { code: string; message: string; fields?: Record<string, string> } };

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

export type Answer = { description: string; schema?: z.ZodType; contentType?: string };

export type ApiCall<P, Q, B> = {
  req: Request;
  res: Response;
  user: UserRow;
  link: AccountLinkRow;
  params: P;
  query: Q;
  body: B;
  /** The raw bearer token (for logout). */
  token: string;
};

export type ApiRoute = {
  method: 'get' | 'post';
  /** Express pattern under /api/v1, e.g. '/accounts/:link/balance'. */
  path: string;
  summary: string;
  tag: string;
  /** Bearer token required (every route but login and the document itself). */
  auth: boolean;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** Success answers by status; the error answers are added from what the route needs. */
  responses: Record<number, Answer>;
  /** Extra error answers this route gives (beyond auth, ownership, validation and body parsing). */
  errors?: Record<number, string>;
  handler(call: ApiCall<any, any, any>): unknown;
};

/** Keeps the handler's types tied to the route's schemas. */
export function route<P extends z.ZodObject | undefined = undefined, Q extends z.ZodObject | undefined = undefined, B extends z.ZodType | undefined = undefined>(
  definition: Omit<ApiRoute, 'params' | 'query' | 'body' | 'handler'> & {
    params?: P;
    query?: Q;
    body?: B;
    handler(call: ApiCall<P extends z.ZodObject ? z.infer<P> : Record<string, never>, Q extends z.ZodObject ? z.infer<Q> : Record<string, never>, B extends z.ZodType ? z.infer<B> : undefined>): unknown;
  },
): ApiRoute {
  return definition as ApiRoute;
}

export const errorSchema = z
  .object({
    error: z.object({
      code: z.string().describe('Машиночитаемый код: validation, bad_json, too_large, unauthorized, not_found, throttled, …'),
      message: z.string().describe('Сообщение для человека, по-русски'),
      fields: z.record(z.string(), z.string()).optional().describe('Сообщения у полей запроса, по их именам'),
    }),
  });

const standardErrors: Record<number, string> = {
  400: 'Тело запроса — не JSON',
  401: 'Нет токена, токен неверен или истёк',
  404: 'Лицевой счёт (или другой объект) не найден среди ваших',
  413: 'Тело запроса больше 100 КБ',
  415: 'Тело запроса должно быть application/json',
  422: 'Данные не прошли проверку: сообщения в error.fields',
};

/** Express ':name' segments as OpenAPI '{name}'. */
export function openApiPath(path: string): string {
  return path.replace(/:(\w+)/g, '{$1}');
}

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

function parametersOf(r: ApiRoute): unknown[] {
  const parameters: unknown[] = [];
  for (const [where, schema] of [['path', r.params], ['query', r.query]] as const) {
    if (!schema) continue;
    for (const [name, field] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
      const optional = field.safeParse(undefined).success;
      parameters.push({ name, in: where, required: where === 'path' || !optional, description: field.description, schema: jsonSchema(field, 'input') });
    }
  }
  return parameters;
}

function responsesOf(r: ApiRoute): Record<string, unknown> {
  const responses: Record<string, unknown> = {};
  for (const [status, answer] of Object.entries(r.responses)) {
    const contentType = answer.contentType ?? 'application/json';
    responses[status] = {
      description: answer.description,
      ...(answer.schema || answer.contentType ? { content: { [contentType]: { schema: answer.schema ? jsonSchema(answer.schema, 'output') : { type: 'string', format: 'binary' } } } } : {}),
    };
  }
  const errors: Record<number, string> = { ...r.errors };
  if (r.auth) errors[401] = standardErrors[401];
  if (r.path.includes(':')) errors[404] = errors[404] ?? standardErrors[404];
  if (r.body) Object.assign(errors, { 400: standardErrors[400], 413: standardErrors[413], 415: standardErrors[415] });
  if (r.body || r.query || r.params) errors[422] = errors[422] ?? standardErrors[422];
  for (const [status, description] of Object.entries(errors)) {
    responses[status] = { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
  }
  return responses;
}

/** The OpenAPI 3.1 document, generated from the same route table that serves the requests. */
export function openApiDocument(routes: ApiRoute[], info: { title: string; version: string; serverUrl: string }): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const parameters = parametersOf(r);
    paths[openApiPath(r.path)] ??= {};
    paths[openApiPath(r.path)][r.method] = {
      operationId: `${r.method}${openApiPath(r.path).replace(/[{}]/g, '').replace(/(^|[/_-])(\w)/g, (_m, _s, c: string) => c.toUpperCase())}`,
      summary: r.summary,
      tags: [r.tag],
      ...(r.auth ? {} : { security: [] }),
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(r.body, 'input') } } } } : {}),
      responses: responsesOf(r),
    };
  }
  const { $defs: _d, ...error } = jsonSchema(errorSchema, 'output');
  return {
    openapi: '3.1.0',
    info: { title: info.title, version: info.version, description: 'JSON API личного кабинета для мобильного приложения. Вход: POST /login даёт токен; дальше заголовок Authorization: Bearer <токен>. Деньги — в копейках, энергия — в кВт·ч.' },
    servers: [{ url: info.serverUrl }],
    security: [{ bearer: [] }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } }, schemas: { Error: error } },
    paths,
  };
}
