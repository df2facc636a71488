// What the benchmark loads: the first scenario is the baseline the others are compared with.
import type { ApiSession, Session } from './login.ts';

export type Targets = { hello: string; app: string; staticHome: string; session: Session; readingBody: string; api: ApiSession };
export type Request = { url: string; method?: 'GET' | 'POST'; headers?: Record<string, string>; body?: string };
/** expect: the status class a healthy answer has (a form POST answers 303). */
export type Scenario = { name: string; expect?: '2xx' | '3xx'; request(targets: Targets): Request };

/** The scenarios bench:profile and bench:ab take by a short name. */
export const scenarioKeys: Record<string, string> = {
  login: 'GET /login',
  home: 'GET /a/<link>/ Главная (logged in)',
  readings: 'POST /a/<link>/readings (submit)',
  history: 'GET /a/<link>/history/consumption',
  api: 'GET /api/v1/accounts/<link>/balance (bearer token)',
};

export const scenarios: Scenario[] = [
  { name: 'Express 5 hello world (baseline)', request: ({ hello }) => ({ url: `${hello}/` }) },
  { name: 'Главная HTML, static EJS page (baseline 2)', request: ({ staticHome }) => ({ url: `${staticHome}/` }) },
  { name: 'GET /login', request: ({ app }) => ({ url: `${app}/login` }) },
  {
    name: 'GET /a/<link>/ Главная (logged in)',
    request: ({ app, session }) => ({ url: app + session.home, headers: { cookie: session.cookie } }),
  },
  {
    name: 'GET /api/v1/accounts/<link>/balance (bearer token)',
    request: ({ app, api }) => ({ url: `${app}/api/v1/accounts/${api.link}/balance`, headers: { authorization: `Bearer ${api.token}` } }),
  },
  { name: 'GET /a/<link>/history/consumption', request: ({ app, session }) => ({ url: `${app}${session.home}history/consumption`, headers: { cookie: session.cookie } }) },
  { name: 'GET /a/<link>/history/charges', request: ({ app, session }) => ({ url: `${app}${session.home}history/charges`, headers: { cookie: session.cookie } }) },
  {
    name: 'POST /a/<link>/readings (submit)',
    expect: '3xx',
    request: ({ app, session, readingBody }) => ({
      url: `${app}${session.home}readings`,
      method: 'POST',
      headers: { cookie: session.cookie, 'content-type': 'application/x-www-form-urlencoded', origin: 'https://localhost' },
      body: readingBody,
    }),
  },
];
