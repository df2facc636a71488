// Pieces of the routes' OpenAPI descriptions that repeat: a JSON body, a JSON answer, and the
// error answers a route can give (each the one error body).
import { z } from 'zod';
import { errorSchema, standardErrors } from './errors.ts';

export function jsonBody<T extends z.ZodType>(schema: T) {
  return { required: true, content: { 'application/json': { schema } } } as const;
}

export function json<T extends z.ZodType>(description: string, schema: T) {
  return { description, content: { 'application/json': { schema } } } as const;
}

type ErrorStatus = keyof typeof standardErrors | 403 | 409 | 423 | 429 | 502 | 503;
type ErrorAnswer = { description: string; content: { 'application/json': { schema: typeof errorSchema } } };
type StatusOf<A> = A extends readonly [infer S, string] ? S : A;

/** Error answers: a status alone takes the standard description, a pair gives the route's own. */
export function errors<const A extends readonly (ErrorStatus | readonly [ErrorStatus, string])[]>(...answers: A): { [K in StatusOf<A[number]> & number]: ErrorAnswer } {
  const responses: Record<number, ErrorAnswer> = {};
  for (const answer of answers) {
    const [status, description] = typeof answer === 'number' ? [answer, standardErrors[answer as keyof typeof standardErrors]] : answer;
    responses[status] = { description, content: { 'application/json': { schema: errorSchema } } };
  }
  return responses as { [K in StatusOf<A[number]> & number]: ErrorAnswer };
}

/** The document's frame: title, how to log in, the bearer scheme, the error body. */
export function documentInfo(appName: string, serverUrl: string) {
  return {
    openapi: '3.1.0',
    info: {
      title: `${appName}: API личного кабинета`,
      version: '1.0.0',
      description: 'JSON API личного кабинета для мобильного приложения. Вход: POST /login даёт токен; дальше заголовок Authorization: Bearer <токен>. Деньги — в копейках, энергия — в кВт·ч.',
    },
    servers: [{ url: serverUrl }],
    security: [{ bearer: [] }],
  };
}
