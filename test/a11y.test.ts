// Every page, JS off, 320 px wide: no horizontal scroll and no axe-core violation (WCAG 2.1 A/AA).
// The table below must name every GET route the app serves; a new route fails the coverage test
// until it gets an entry (or a reasoned exclusion).
import { AxePuppeteer } from '@axe-core/puppeteer';
import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { generateHOTP } from '@oslojs/otp';
import type { Page as BrowserPage, HTTPResponse } from 'puppeteer-core';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { insertAccountLink } from '../db/auth/users.ts';
import { createApp } from '../routes/app.ts';
import { unsubscribeToken } from '../services/notices/unsubscribe-token.ts';
import { startTestApp, type TestApp } from './helpers/app.ts';
import { launchBrowser, screenshot, type TestBrowser } from './helpers/browser.ts';
import { seedAccount, seedMonthlyCharge, seedReading, seedTariffs, seedUser, setBalance } from './helpers/fixtures.ts';
import { createClient, type Client } from './helpers/http.ts';
import { listGetRoutes, patternMatches } from './helpers/routes.ts';

const narrow = 320;
const wide = 1280;
const wcagTags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** What the cases need: seeded people and tokens, filled in by `before`. */
type World = {
  app: TestApp;
  browser: TestBrowser;
  /** One two-zone account with readings, charges, a debt and a verification due soon. */
  user: { number: string; email: string; home: string; client: Client; readingDone: string };
  /** A metered primary account plus a linked one without a meter. */
  multiUser: { home: string; noMeterHome: string; client: Client };
  /** An operator logged in to the back office, with one reading to review and one rejected. */
  operator: { client: Client };
  pending: { number: string; password: string; token: string };
  letterId: number;
  /** Readings without logging in, on a two-zone account of its own: its number and serial; a visitor holding a live grant; one whose grant was spent. */
  guestAccount: { number: string; serial: string };
  visitor: { client: Client };
  visitorDone: { client: Client };
  /** Unsubscribe links' tokens: one to look at, one to use, one of a user already unsubscribed. */
  unsubscribe: { confirm: string; use: string; already: string };
};

type PageCase = {
  /** Used in messages and screenshot names. */
  name: string;
  /** The GET route pattern the page is served under; null for states no route names (404). */
  route: string | null;
  /** The URL to open. */
  url: (world: World) => string;
  /** Whose cookies the browser gets: nobody (the default), one of the customers, or the operator. */
  as?: 'guest' | 'user' | 'multiUser' | 'operator' | 'visitor' | 'visitorDone';
  /** Then, in the browser with JS off: fill these fields and press the form's (first, or `button`) submit button. */
  submit?: { form: string; button?: string; fields?: (world: World) => Record<string, string>; before?: (page: BrowserPage) => Promise<void> };
  /** The HTTP status of the page finally shown. */
  status: number;
  /** A selector that must be on the page, to prove the intended state was reached. */
  expect: string;
};

const pages: PageCase[] = [
  // Signing in.
  { name: 'login', route: '/login', url: () => '/login', status: 200, expect: 'form[action="/login"]' },
  { name: 'login-notice', route: '/login', url: () => '/login?notice=logged-out', status: 200, expect: '#notice' },
  { name: 'login-empty', route: '/login', url: () => '/login', submit: { form: 'form[action="/login"]' }, status: 422, expect: '#error-summary' },
  {
    name: 'login-wrong-password',
    route: '/login',
    url: () => '/login',
    submit: { form: 'form[action="/login"]', fields: ({ user }) => ({ accountNumber: user.number, password: 'not-the-password' }) },
    status: 401,
    expect: '#password-error',
  },
  {
    name: 'login-not-activated',
    route: '/login',
    url: () => '/login',
    submit: { form: 'form[action="/login"]', fields: ({ pending }) => ({ accountNumber: pending.number, password: pending.password }) },
    status: 403,
    expect: '#not-activated',
  },
  {
    name: 'form-expired',
    route: null,
    url: () => '/login',
    // The CSRF cookie is gone (e.g. the browser dropped it): the form's token no longer matches.
    submit: { form: 'form[action="/login"]', before: async (page) => page.browserContext().deleteCookie(...(await page.browserContext().cookies()).filter((c) => c.name === 'svet_csrf')) },
    status: 403,
    expect: 'main h1',
  },
  // Registration and activation.
  { name: 'register', route: '/register', url: () => '/register', status: 200, expect: 'form[action="/register"]' },
  { name: 'register-empty', route: '/register', url: () => '/register', submit: { form: 'form[action="/register"]' }, status: 422, expect: '#error-summary' },
  {
    name: 'register-bad-values',
    route: '/register',
    url: () => '/register',
    submit: {
      form: 'form[action="/register"]',
      fields: () => ({ accountNumber: '12 345', proof: 'x', password: 'short', passwordConfirm: 'other', email: 'not-an-email', phone: '12' }),
    },
    status: 422,
    expect: '#phone-error',
  },
  { name: 'register-done', route: '/register/done', url: () => '/register/done', status: 200, expect: '#notice' },
  { name: 'activate', route: '/activate', url: () => '/activate', status: 200, expect: 'form[action="/activate"]' },
  { name: 'activate-empty', route: '/activate', url: () => '/activate', submit: { form: 'form[action="/activate"]' }, status: 422, expect: '#error-summary' },
  { name: 'activate-link-live', route: '/activate/:token', url: ({ pending }) => `/activate/${pending.token}`, status: 200, expect: 'main form' },
  { name: 'activate-link-dead', route: '/activate/:token', url: () => '/activate/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', status: 410, expect: '#link-dead' },
  // Password recovery.
  { name: 'recover', route: '/recover', url: () => '/recover', status: 200, expect: 'form[action="/recover"]' },
  { name: 'recover-empty', route: '/recover', url: () => '/recover', submit: { form: 'form[action="/recover"]' }, status: 422, expect: '#error-summary' },
  { name: 'recover-code', route: '/recover/code', url: () => '/recover/code', status: 200, expect: 'form[action="/recover/code"]' },
  {
    name: 'recover-code-sent',
    route: '/recover/code',
    url: () => '/recover',
    submit: { form: 'form[action="/recover"]', fields: ({ user }) => ({ accountNumber: user.number, email: user.email }) },
    status: 200,
    expect: '#notice',
  },
  { name: 'recover-code-empty', route: '/recover/code', url: () => '/recover/code', submit: { form: 'form[action="/recover/code"]' }, status: 422, expect: '#error-summary' },
  // Readings without logging in.
  { name: 'readings-proof', route: '/readings', url: () => '/readings', status: 200, expect: 'form[action="/readings"]' },
  { name: 'readings-proof-expired', route: '/readings', url: () => '/readings?notice=expired', status: 200, expect: '#notice' },
  { name: 'readings-proof-empty', route: '/readings', url: () => '/readings', submit: { form: 'form[action="/readings"]' }, status: 422, expect: '#error-summary' },
  {
    name: 'readings-proof-wrong',
    route: '/readings',
    url: () => '/readings',
    submit: { form: 'form[action="/readings"]', fields: ({ guestAccount }) => ({ accountNumber: guestAccount.number, proof: 'NOT-THE-SERIAL' }) },
    status: 422,
    expect: '#proof-error',
  },
  {
    name: 'readings-guest-form',
    route: '/readings/submit',
    url: () => '/readings',
    submit: { form: 'form[action="/readings"]', fields: ({ guestAccount }) => ({ accountNumber: guestAccount.number, proof: guestAccount.serial }) },
    status: 200,
    expect: 'form[action="/readings/submit"] input[name="zone2"]',
  },
  { name: 'readings-guest-empty', route: '/readings/submit', url: () => '/readings/submit', as: 'visitor', submit: { form: 'form[action="/readings/submit"]' }, status: 422, expect: '#error-summary' },
  {
    name: 'readings-guest-confirm',
    route: '/readings/submit',
    url: () => '/readings/submit',
    as: 'visitor',
    submit: { form: 'form[action="/readings/submit"]', fields: () => ({ zone1: '99000', zone2: '1100' }) },
    status: 200,
    expect: '#confirmation',
  },
  { name: 'readings-guest-done', route: '/readings/done', url: () => '/readings/done', as: 'visitorDone', status: 200, expect: '#reading-summary' },
  // Public documents.
  { name: 'agreement', route: '/documents/agreement', url: () => '/documents/agreement', status: 200, expect: 'main h1' },
  { name: 'personal-data', route: '/documents/personal-data', url: () => '/documents/personal-data', status: 200, expect: 'main h1' },
  // PIN login on a trusted device (the user's client holds a device cookie, see before), Безопасность, offline.
  { name: 'pin', route: '/pin', url: () => '/pin', as: 'user', status: 200, expect: '#pin-form' },
  { name: 'pin-wrong', route: '/pin', url: () => '/pin', as: 'user', submit: { form: '#pin-form', fields: () => ({ pin: '0000' }) }, status: 401, expect: '#pin-error' },
  { name: 'pin-no-device', route: '/pin', url: () => '/pin', status: 200, expect: '#pin-unavailable' },
  { name: 'security', route: '/a/:link/security', url: ({ user }) => `${user.home}security`, as: 'user', status: 200, expect: '#pin-change-form' },
  { name: 'security-no-pin', route: '/a/:link/security', url: ({ multiUser }) => `${multiUser.home}security`, as: 'multiUser', status: 200, expect: '#pin-set-form' },
  { name: 'security-pin-empty', route: '/a/:link/security', url: ({ multiUser }) => `${multiUser.home}security`, as: 'multiUser', submit: { form: '#pin-set-form' }, status: 422, expect: '#error-summary' },
  { name: 'offline', route: '/offline', url: () => '/offline', status: 200, expect: '#offline' },
  // The cabinet.
  { name: 'cabinet-home', route: '/a/:link/', url: ({ user }) => user.home, as: 'user', status: 200, expect: '#last-readings' },
  { name: 'cabinet-home-two-accounts', route: '/a/:link/', url: ({ multiUser }) => multiUser.home, as: 'multiUser', status: 200, expect: 'form[action="/switch"]' },
  { name: 'cabinet-home-no-meter', route: '/a/:link/', url: ({ multiUser }) => multiUser.noMeterHome, as: 'multiUser', status: 200, expect: '#no-meter' },
  { name: 'cabinet-info', route: '/a/:link/info', url: ({ user }) => `${user.home}info`, as: 'user', status: 200, expect: '#verification-warning' },
  { name: 'cabinet-info-no-meter', route: '/a/:link/info', url: ({ multiUser }) => `${multiUser.noMeterHome}info`, as: 'multiUser', status: 200, expect: '#no-meter' },
  { name: 'readings', route: '/a/:link/readings', url: ({ user }) => `${user.home}readings`, as: 'user', status: 200, expect: 'input[name="zone2"]' },
  { name: 'readings-empty', route: '/a/:link/readings', url: ({ user }) => `${user.home}readings`, as: 'user', submit: { form: 'form[action$="/readings"]' }, status: 422, expect: '#error-summary' },
  {
    name: 'readings-confirm',
    route: '/a/:link/readings',
    url: ({ user }) => `${user.home}readings`,
    as: 'user',
    submit: { form: 'form[action$="/readings"]', fields: () => ({ zone1: '99000', zone2: '800' }) },
    status: 200,
    expect: '#confirmation',
  },
  { name: 'readings-no-meter', route: '/a/:link/readings', url: ({ multiUser }) => `${multiUser.noMeterHome}readings`, as: 'multiUser', status: 200, expect: '#no-meter' },
  { name: 'reading-done', route: '/a/:link/readings/:seq', url: ({ user }) => user.readingDone, as: 'user', status: 200, expect: '#reading-summary' },
  { name: 'link-account', route: '/a/:link/accounts/new', url: ({ user }) => `${user.home}accounts/new`, as: 'user', status: 200, expect: 'form[action$="/accounts/new"]' },
  { name: 'link-account-empty', route: '/a/:link/accounts/new', url: ({ user }) => `${user.home}accounts/new`, as: 'user', submit: { form: 'form[action$="/accounts/new"]' }, status: 422, expect: '#error-summary' },
  { name: 'cabinet-history', route: '/a/:link/history', url: ({ user }) => `${user.home}history`, as: 'user', status: 200, expect: '[aria-current="page"]' },
  { name: 'bill', route: '/a/:link/bills/:period', url: ({ user }) => `${user.home}bills/2026-10`, as: 'user', status: 200, expect: '#bill-qr' },
  { name: 'bill-not-closed', route: '/a/:link/bills/:period', url: ({ user }) => `${user.home}bills/2026-11`, as: 'user', status: 404, expect: '#bill-not-found' },
  { name: 'history-readings', route: '/a/:link/history/:view', url: ({ user }) => `${user.home}history/readings`, as: 'user', status: 200, expect: '#history-table' },
  { name: 'history-readings-month', route: '/a/:link/history/:view/:period', url: ({ user }) => `${user.home}history/readings/2026-09`, as: 'user', status: 200, expect: '#month-table' },
  { name: 'history-payments', route: '/a/:link/history/:view', url: ({ user }) => `${user.home}history/payments`, as: 'user', status: 200, expect: '#range-form' },
  { name: 'history-payments-month', route: '/a/:link/history/:view/:period', url: ({ user }) => `${user.home}history/payments/2026-10`, as: 'user', status: 200, expect: '#month-title' },
  { name: 'history-charges', route: '/a/:link/history/:view', url: ({ user }) => `${user.home}history/charges`, as: 'user', status: 200, expect: '#charges-chart' },
  { name: 'history-charges-month', route: '/a/:link/history/:view/:period', url: ({ user }) => `${user.home}history/charges/2026-10`, as: 'user', status: 200, expect: '#month-facts' },
  { name: 'history-consumption', route: '/a/:link/history/:view', url: ({ user }) => `${user.home}history/consumption`, as: 'user', status: 200, expect: '#consumption-chart' },
  { name: 'history-consumption-clipped', route: '/a/:link/history/:view', url: ({ user }) => `${user.home}history/consumption?from=2017-01&to=2026-11`, as: 'user', status: 200, expect: '#range-notice' },
  { name: 'history-consumption-month', route: '/a/:link/history/:view/:period', url: ({ user }) => `${user.home}history/consumption/2026-10`, as: 'user', status: 200, expect: '#month-table' },
  {
    name: 'history-range-reversed',
    route: '/a/:link/history/:view',
    url: ({ user }) => `${user.home}history/charges`,
    as: 'user',
    submit: { form: '#range-form', fields: () => ({ from: '2026-10', to: '2026-01' }) },
    status: 422,
    expect: '#to-error',
  },
  { name: 'history-bad-period', route: '/a/:link/history/:view/:period', url: ({ user }) => `${user.home}history/charges/2026-13`, as: 'user', status: 404, expect: '#period-problem' },
  { name: 'pay', route: '/a/:link/pay', url: ({ user }) => `${user.home}pay`, as: 'user', status: 200, expect: 'form[action$="/pay"]' },
  { name: 'pay-no-meter', route: '/a/:link/pay', url: ({ multiUser }) => `${multiUser.noMeterHome}pay`, as: 'multiUser', status: 200, expect: 'form[action$="/pay/order"]' },
  { name: 'payments', route: '/a/:link/payments', url: ({ user }) => `${user.home}payments`, as: 'user', status: 200, expect: '#no-payments' },
  { name: 'payment-security', route: '/payment-security', url: () => '/payment-security', status: 200, expect: 'main h1' },
  { name: 'refunds', route: '/refunds', url: () => '/refunds', status: 200, expect: 'main h1' },
  { name: 'delivery', route: '/delivery', url: () => '/delivery', status: 200, expect: 'main h1' },
  { name: 'requisites', route: '/requisites', url: () => '/requisites', status: 200, expect: '#requisites' },
  { name: 'cabinet-settings', route: '/a/:link/settings', url: ({ user }) => `${user.home}settings`, as: 'user', status: 200, expect: '[aria-current="page"]' },
  { name: 'cabinet-support', route: '/a/:link/support', url: ({ user }) => `${user.home}support`, as: 'user', status: 200, expect: '[aria-current="page"]' },
  // Настройки and Центр поддержки (issue 7).
  { name: 'settings-email', route: '/a/:link/settings/email', url: ({ user }) => `${user.home}settings/email`, as: 'user', status: 200, expect: 'form[action$="/settings/email"]' },
  { name: 'settings-email-bad', route: '/a/:link/settings/email', url: ({ user }) => `${user.home}settings/email`, as: 'user', submit: { form: 'form[action$="/settings/email"]', fields: () => ({ email: 'not-an-email' }) }, status: 422, expect: '#email-error' },
  { name: 'settings-email-confirm', route: '/a/:link/settings/email/confirm', url: ({ user }) => `${user.home}settings/email/confirm`, as: 'user', status: 200, expect: 'form[action$="/settings/email/confirm"]' },
  { name: 'settings-email-confirm-empty', route: '/a/:link/settings/email/confirm', url: ({ user }) => `${user.home}settings/email/confirm`, as: 'user', submit: { form: 'form[action$="/settings/email/confirm"]' }, status: 422, expect: '#code-error' },
  { name: 'settings-phone', route: '/a/:link/settings/phone', url: ({ user }) => `${user.home}settings/phone`, as: 'user', status: 200, expect: '#phone' },
  { name: 'settings-password', route: '/a/:link/settings/password', url: ({ user }) => `${user.home}settings/password`, as: 'user', status: 200, expect: '#current' },
  { name: 'settings-password-empty', route: '/a/:link/settings/password', url: ({ user }) => `${user.home}settings/password`, as: 'user', submit: { form: 'form[action$="/settings/password"]' }, status: 422, expect: '#error-summary' },
  { name: 'settings-remove-primary', route: '/a/:link/settings/remove', url: ({ user }) => `${user.home}settings/remove`, as: 'user', status: 200, expect: '#close-warning' },
  { name: 'settings-remove-additional', route: '/a/:link/settings/remove', url: ({ multiUser }) => `${multiUser.noMeterHome}settings/remove`, as: 'multiUser', status: 200, expect: '#confirm-remove' },
  { name: 'settings-two-accounts', route: '/a/:link/settings', url: ({ multiUser }) => `${multiUser.home}settings`, as: 'multiUser', status: 200, expect: '#delivery-form' },
  { name: 'support-list', route: '/a/:link/support', url: ({ user }) => `${user.home}support`, as: 'user', status: 200, expect: '#request-list' },
  { name: 'support-new', route: '/a/:link/support/new', url: ({ user }) => `${user.home}support/new`, as: 'user', status: 200, expect: 'input[type="file"]' },
  { name: 'support-new-empty', route: '/a/:link/support/new', url: ({ user }) => `${user.home}support/new`, as: 'user', submit: { form: '#request-form' }, status: 422, expect: '#error-summary' },
  { name: 'support-request', route: '/a/:link/support/:request', url: ({ user, app }) => `${user.home}support/${firstRequest(app)}`, as: 'user', status: 200, expect: '.message-operator [data-attachment]' },
  { name: 'ops-requests', route: '/ops/requests', url: () => '/ops/requests?status=answered', as: 'operator', status: 200, expect: '#request-queue' },
  { name: 'ops-request', route: '/ops/requests/:request', url: ({ app }) => `/ops/requests/${firstRequest(app)}`, as: 'operator', status: 200, expect: '#answer-form' },
  { name: 'ops-request-empty-answer', route: '/ops/requests/:request', url: ({ app }) => `/ops/requests/${firstRequest(app)}`, as: 'operator', submit: { form: '#answer-form' }, status: 422, expect: '#text-error' },
  { name: 'ops-accounts', route: '/ops/accounts', url: () => '/ops/accounts?q=500', as: 'operator', status: 200, expect: '#hits' },
  { name: 'ops-account', route: '/ops/accounts/:account', url: ({ app }) => `/ops/accounts/${(app.db.prepare('SELECT account_id FROM support_requests ORDER BY id LIMIT 1').get() as { account_id: number }).account_id}`, as: 'operator', status: 200, expect: '#info-address' },
  { name: 'cabinet-foreign-link', route: '/a/:link/', url: () => '/a/999999/', as: 'user', status: 404, expect: 'main h1' },
  // The back office.
  { name: 'ops-login', route: '/ops/login', url: () => '/ops/login', status: 200, expect: 'form[action="/ops/login"]' },
  { name: 'ops-login-empty', route: '/ops/login', url: () => '/ops/login', submit: { form: 'form[action="/ops/login"]' }, status: 422, expect: '#error-summary' },
  { name: 'ops-readings', route: '/ops/readings', url: () => '/ops/readings', as: 'operator', status: 200, expect: 'form.decision' },
  {
    name: 'ops-readings-no-reason',
    route: '/ops/readings',
    url: () => '/ops/readings',
    as: 'operator',
    submit: { form: 'form.decision', button: 'button[value="reject"]' },
    status: 422,
    expect: '#error-summary',
  },
  { name: 'ops-audit', route: '/ops/audit', url: () => '/ops/audit', as: 'operator', status: 200, expect: '#audit-table' },
  { name: 'ops-readings-rejected', route: '/ops/readings', url: () => '/ops/readings?status=rejected', as: 'operator', status: 200, expect: 'section.review' },
  // The one-click unsubscribe of notice letters, without login.
  { name: 'unsubscribe', route: '/unsubscribe/:token', url: ({ unsubscribe }) => `/unsubscribe/${unsubscribe.confirm}`, status: 200, expect: '#unsubscribe-form' },
  { name: 'unsubscribe-confirmed', route: '/unsubscribe/:token', url: ({ unsubscribe }) => `/unsubscribe/${unsubscribe.use}`, submit: { form: '#unsubscribe-form' }, status: 200, expect: '#unsubscribe-done' },
  { name: 'unsubscribe-already', route: '/unsubscribe/:token', url: ({ unsubscribe }) => `/unsubscribe/${unsubscribe.already}`, status: 200, expect: '#unsubscribe-already' },
  { name: 'unsubscribe-done', route: '/unsubscribe/:token/done', url: ({ unsubscribe }) => `/unsubscribe/${unsubscribe.already}/done`, status: 200, expect: '#unsubscribe-done' },
  { name: 'unsubscribe-invalid', route: '/unsubscribe/:token', url: () => '/unsubscribe/1.readings.forged', status: 404, expect: '#unsubscribe-invalid' },
  // Development only.
  { name: 'dev-mailbox', route: '/dev/mailbox', url: () => '/dev/mailbox', status: 200, expect: '.mailbox' },
  { name: 'dev-letter', route: '/dev/mailbox/:id', url: ({ letterId }) => `/dev/mailbox/${letterId}`, status: 200, expect: '#letter-text' },
  // Not an Express route: the Hono app's reference page of the JSON API.
  { name: 'api-docs', route: null, url: () => '/api/v1/docs', status: 200, expect: 'main h1' },
  // No route.
  { name: 'not-found', route: null, url: () => '/no-such-page', status: 404, expect: 'main h1' },
];

/** GET routes that never render a page of their own, with the reason. */
const excluded: Record<string, string> = {
  '/': 'redirects: to /login, or to the cabinet of the logged-in user',
  '/ops/': 'redirects to /ops/readings (or /ops/login)',
  '/switch': 'redirects to the chosen account (an unknown one gets the 404 page, covered by not-found)',
  '/a/:link/bills/:period.pdf': 'a PDF download (without Chromium it answers with the page checked as «bill»): test/bills.test.ts checks it',
  '/payments/callback': "the bank's server-to-server notification: plain text, no page",
  '/healthz': 'JSON for a load balancer, no page: test/health.test.ts checks it',
  '/a/:link/payments/:payment': 'needs a registered order at a bank: checked with the sandbox bank in test/payments-a11y.test.ts',
  '/a/:link/history/:view.csv': 'a CSV download, not a page (test/history.test.ts checks it)',
  '/a/:link/support/:request/files/:file': 'an attachment download (Content-Disposition: attachment): test/support.test.ts checks it',
  '/manifest.webmanifest': 'the web app manifest (JSON): test/pwa.test.ts checks it in Chromium',
  '/sw.js': 'the service worker script: test/pwa.test.ts checks it',
  '/ops/requests/:request/files/:file': 'an attachment download for operators: test/support.test.ts checks it',
};

const test = suite<World>('accessibility: every page, JS off, 320 px, axe WCAG 2.1 AA');

test.before(async (world) => {
  const app = await startTestApp();
  world.app = app;
  world.browser = await launchBrowser();
  seedTariffs(app.db);

  const password = 'correct-horse-1';
  const account = seedAccount(app.db, { zones: 2 });
  const readAt = Date.parse('2026-10-20T10:00:00Z') / 1000;
  seedReading(app.db, { accountId: account.id, meterId: account.meterId!, period: '2026-10', seq: 1, zone: 1, value: 1500, submittedAt: readAt });
  seedReading(app.db, { accountId: account.id, meterId: account.meterId!, period: '2026-10', seq: 1, zone: 2, value: 700, submittedAt: readAt });
  seedMonthlyCharge(app.db, account.id, '2026-10', 200, 123_456, '2026-11-10');
  setBalance(app.db, account.id, 123_456);
  app.db.prepare("UPDATE meters SET verified_until = '2027-01-15' WHERE id = ?").run(account.meterId);
  const email = `user${account.id}@example.ru`;
  await seedUser(app.db, account.id, { password, email });
  const client = createClient(app.baseUrl);
  const login = await client.post('/login', { accountNumber: account.number, password });
  assert.is(login.status, 303, 'the seeded user logs in');
  const reading = await client.post(`${login.location}readings`, { zone1: '1620', zone2: '760', confirm: 'yes' });
  assert.is(reading.status, 303, 'a reading is accepted');
  world.user = { number: account.number, email, home: login.location!, client, readingDone: reading.location! };
  assert.is((await client.post(`${login.location}security/pin`, { password, pin: '2468', pinConfirm: '2468' })).status, 303, 'the user trusts this device with a PIN');

  const first = seedAccount(app.db);
  const noMeter = seedAccount(app.db, { zones: null });
  const { userId } = await seedUser(app.db, first.id, { password });
  const noMeterLink = insertAccountLink(app.db, { user_id: userId, account_id: noMeter.id, is_primary: 0, created_at: 1_790_000_000 });
  const multiClient = createClient(app.baseUrl);
  const multiLogin = await multiClient.post('/login', { accountNumber: first.number, password });
  assert.is(multiLogin.status, 303, 'the two-account user logs in');
  world.multiUser = { home: multiLogin.location!, noMeterHome: `/a/${noMeterLink}/`, client: multiClient };

  // The back office: one reading waits for review, one was rejected.
  seedReading(app.db, { accountId: first.id, meterId: first.meterId!, period: '2026-10', seq: 1, value: 1000 });
  seedReading(app.db, { accountId: first.id, meterId: first.meterId!, period: '2026-11', seq: 2, value: 9000, status: 'review' });
  seedReading(app.db, { accountId: account.id, meterId: account.meterId!, period: '2026-09', seq: 1, zone: 1, value: 1400, status: 'rejected' });
  seedReading(app.db, { accountId: account.id, meterId: account.meterId!, period: '2026-09', seq: 1, zone: 2, value: 650, status: 'rejected' });
  const created = await app.services.operators.create({ login: 'ivanova', name: 'Иванова Мария' });
  const key = decodeBase32IgnorePadding(new URL(created.totpUri).searchParams.get('secret')!);
  const operatorClient = createClient(app.baseUrl);
  const code = generateHOTP(key, BigInt(Math.floor(app.clock.now() / 1000 / 30)), 6);
  const opsLogin = await operatorClient.post('/ops/login', { login: 'ivanova', password: created.password, code });
  assert.is(opsLogin.status, 303, 'the operator logs in');
  world.operator = { client: operatorClient };

  // A registration that waits for activation: its letter stays in the outbox (no SMTP here).
  const pendingAccount = seedAccount(app.db, { serial: '7654321' });
  const pendingPassword = 'Лампочка-2026';
  const registered = await createClient(app.baseUrl).post('/register', {
    accountNumber: pendingAccount.number,
    proof: '7654321',
    password: pendingPassword,
    passwordConfirm: pendingPassword,
    email: 'pending@example.ru',
    phone: '+7 910 123-45-67',
    agreement: 'yes',
    consent: 'yes',
  });
  assert.is(registered.status, 303, 'the registration is accepted');
  const letter = app.db.prepare("SELECT id, text_body FROM outbox WHERE to_address = 'pending@example.ru'").get() as { id: number; text_body: string };
  const token = /\/activate\/([a-z2-7]+)/.exec(letter.text_body)?.[1];
  assert.ok(token, 'the activation letter carries a link');
  world.pending = { number: pendingAccount.number, password: pendingPassword, token: token! };
  world.letterId = letter.id;

  // Readings without logging in: one visitor holds a live grant, the other spent theirs.
  const guestAccount = seedAccount(app.db, { zones: 2 });
  seedReading(app.db, { accountId: guestAccount.id, meterId: guestAccount.meterId!, period: '2026-10', seq: 1, zone: 1, value: 3000 });
  seedReading(app.db, { accountId: guestAccount.id, meterId: guestAccount.meterId!, period: '2026-10', seq: 1, zone: 2, value: 1000 });
  world.guestAccount = { number: guestAccount.number, serial: guestAccount.serial! };
  const visitor = createClient(app.baseUrl);
  assert.is((await visitor.post('/readings', { accountNumber: guestAccount.number, proof: guestAccount.serial! })).status, 303, 'the visitor proves the account');
  const visitorDone = createClient(app.baseUrl);
  await visitorDone.post('/readings', { accountNumber: guestAccount.number, proof: guestAccount.serial! });
  assert.is((await visitorDone.post('/readings/submit', { zone1: '3100', zone2: '1050' })).location, '/readings/done', 'the other visitor passes readings');
  world.visitor = { client: visitor };
  world.visitorDone = { client: visitorDone };
  // Three customers with reading reminders on; the third has unsubscribed already.
  const reminded = await Promise.all([0, 1, 2].map(async () => (await seedUser(app.db, seedAccount(app.db).id)).userId));
  app.db.prepare('UPDATE users SET reading_reminders = 0 WHERE id = ?').run(reminded[2]);
  const [confirm, use, already] = reminded.map((id) => unsubscribeToken(app.config.notices.unsubscribeSecret, app.db.prepare('SELECT id, created_at FROM users WHERE id = ?').get(id) as { id: number; created_at: number }, 'readings'));
  world.unsubscribe = { confirm, use, already };

  // Центр поддержки: the user's request with a photo, answered by an operator with a PDF.
  const supportUserId = (app.db.prepare('SELECT id FROM users WHERE account_id = ?').get(account.id) as { id: number }).id;
  const requestId = app.services.support.create(supportUserId, { accountId: account.id, topic: 'Оплата', text: 'Платёж не виден.\n<script>alert(1)</script>' }, [{ name: 'чек.png', mime: 'image/png', buffer: Buffer.from('89504e470d0a1a0a', 'hex') }], { ip: '127.0.0.1' });
  const operatorId = (app.db.prepare('SELECT id FROM operators LIMIT 1').get() as { id: number }).id;
  await app.services.support.answer(operatorId, app.services.support.forOperator(requestId)!.request, 'Платёж зачислен.', [{ name: 'справка.pdf', mime: 'application/pdf', buffer: Buffer.from('%PDF-1.4') }], { ip: '127.0.0.1' });
});

test.after(async (world) => {
  await world.browser?.close();
  await world.app?.close();
});

test('the table covers every GET route', ({ app }) => {
  const routes = listGetRoutes(createApp(app.services, { log: () => {} }));
  const covered = new Set(pages.map((p) => p.route));
  const missing = routes.filter((route) => !covered.has(route) && !(route in excluded));
  assert.equal(missing, [], `GET routes with no page in test/a11y.test.ts (add an entry, or an exclusion with a reason): ${missing.join(', ')}`);
  const stale = [...covered, ...Object.keys(excluded)].filter((route) => route !== null && !routes.includes(route));
  assert.equal(stale, [], `entries for routes the app no longer has: ${stale.join(', ')}`);
});

/** The first support request (seeded in `before`). */
function firstRequest(app: TestApp): number {
  return (app.db.prepare('SELECT id FROM support_requests ORDER BY id LIMIT 1').get() as { id: number }).id;
}

function describe(page: PageCase, url: string): string {
  return `${page.name} (${url})`;
}

async function open(world: World, page: PageCase): Promise<{ tab: BrowserPage; url: string }> {
  const client = page.as && page.as !== 'guest' ? world[page.as].client : undefined;
  const tab = await world.browser.openPage({ baseUrl: world.app.baseUrl, width: narrow, client });
  const url = page.url(world);
  let response: HTTPResponse | null = await tab.goto(new URL(url, world.app.baseUrl).href, { waitUntil: 'load' });
  if (page.submit) {
    const { form, button = 'button[type="submit"]', fields, before } = page.submit;
    assert.is(response?.status(), 200, `${describe(page, url)}: the form page opens`);
    for (const [name, value] of Object.entries(fields?.(world) ?? {})) {
      // DevTools evaluation works with the page's scripts off; much faster than typing each key.
      const found = await tab.$eval(`${form} [name="${name}"]`, (el, v) => ((el as HTMLInputElement).value = v), value).catch(() => null);
      assert.ok(found !== null, `${describe(page, url)}: no field ${name} in ${form}`);
    }
    await before?.(tab);
    [response] = await Promise.all([tab.waitForNavigation({ waitUntil: 'load' }), tab.click(`${form} ${button}`)]);
  }
  assert.is(response?.status(), page.status, `${describe(page, url)}: status`);
  if (page.route && !page.submit) assert.ok(patternMatches(page.route, new URL(url, world.app.baseUrl).pathname), `${url} is under ${page.route}`);
  assert.ok(await tab.$(page.expect), `${describe(page, url)}: shows ${page.expect}`);
  return { tab, url };
}

// A11Y_PAGES=<regexp> checks only the pages whose names match (while fixing one page).
const only = process.env.A11Y_PAGES ? new RegExp(process.env.A11Y_PAGES) : null;

for (const page of pages.filter((p) => !only || only.test(p.name))) {
  test(page.name, async (world) => {
    const { tab, url } = await open(world, page);
    try {
      const where = describe(page, url);
      const widths = await tab.evaluate(() => ({ scroll: document.documentElement.scrollWidth, js: typeof (window as unknown as { htmx?: unknown }).htmx }));
      assert.is(widths.js, 'undefined', `${where}: page scripts ran although JS is off`);
      await screenshot(tab, `${page.name}-${narrow}`);
      // Boxes whose content spills out sideways: the page scrolls, or a table pokes out of its card.
      const spills = await tab.evaluate(() =>
        [...document.querySelectorAll('body, body *')]
          // …or a table that stacks into cards on a phone (.table-stack) still scrolls sideways in its box.
          .filter((el) => el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1 && (getComputedStyle(el).overflowX === 'visible' || !!el.querySelector(':scope > .table-stack')))
          .slice(0, 10)
          .map((el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${typeof el.className === 'string' && el.className ? `.${el.className.trim().split(/\s+/).join('.')}` : ''} (${el.scrollWidth} px content in ${el.clientWidth} px)`),
      );
      assert.ok(widths.scroll <= narrow && spills.length === 0, `${where}: ${widths.scroll} px wide at ${narrow} px; content wider than its box: ${spills.join('; ') || 'none'}`);

      // axe needs scripts: turn them on without reloading, so the page stays as JS-off loaded it
      // (htmx, skipped at load, stays unrun). Legacy mode runs axe in the page itself: the pages
      // have no frames (frame-ancestors 'none'), and the default mode's extra blank page per
      // run costs ~1.2 s more a page.
      await tab.setJavaScriptEnabled(true);
      const results = await new AxePuppeteer(tab).options({ resultTypes: ['violations'] }).withTags(wcagTags).setLegacyMode(true).analyze(); // options() replaces runOnly: tags after it
      assert.ok(results.passes.length > 0, `${where}: axe checked nothing`);
      const violations = results.violations.map(
        (v) => `  ${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `    ${n.target.join(' ')} — ${n.failureSummary?.split('\n').join(' ')}`).join('\n')}`,
      );
      assert.ok(violations.length === 0, `${where}: ${violations.length} axe violation(s)\n${violations.join('\n')}`);

      if (process.env.SCREENSHOTS_DIR) {
        await tab.setViewport({ width: wide, height: 900 });
        await screenshot(tab, `${page.name}-${wide}`);
      }
    } finally {
      await world.browser.closePage(tab);
    }
  });
}

test.run();
