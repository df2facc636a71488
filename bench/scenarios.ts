// What the benchmark loads: the first scenario is the baseline the others are compared with.
import type { Session } from './login.ts';

export type Targets = { hello: string; app: string; session: Session };
export type Scenario = { name: string; request(targets: Targets): { url: string; headers?: Record<string, string> } };

export const scenarios: Scenario[] = [
  { name: 'Express 5 hello world (baseline)', request: ({ hello }) => ({ url: `${hello}/` }) },
  { name: 'GET /login', request: ({ app }) => ({ url: `${app}/login` }) },
  {
    name: 'GET /a/<link>/ Главная (logged in)',
    request: ({ app, session }) => ({ url: app + session.home, headers: { cookie: session.cookie } }),
  },
  { name: 'GET /a/<link>/history/consumption', request: ({ app, session }) => ({ url: `${app}${session.home}history/consumption`, headers: { cookie: session.cookie } }) },
  { name: 'GET /a/<link>/history/charges', request: ({ app, session }) => ({ url: `${app}${session.home}history/charges`, headers: { cookie: session.cookie } }) },
];
