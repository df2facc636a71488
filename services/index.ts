// Builds every service from the config, the database and a clock.
import type { Db } from '../db/connection.ts';
import { createGroupCommit } from '../db/group-commit.ts';
import { createGroupRead } from '../db/group-read.ts';
import { createAccountSettings } from './accounts/settings.ts';
import { createApiTokens } from './auth/api-tokens.ts';
import { createAudit } from './ops/audit.ts';
import { createBills } from './bills/bills.ts';
import { createBillingExchange } from './billing/exchange.ts';
import { createAuth } from './auth/auth.ts';
import { createCabinet } from './accounts/links.ts';
import type { Clock } from './platform/clock.ts';
import type { Config } from './platform/config.ts';
import { createFormatter } from './platform/format.ts';
import { createGateway } from './payments/gateway.ts';
import { createHealth } from './ops/health.ts';
import { createHistory } from './history/history.ts';
import { createLetters } from './platform/letters.ts';
import { createLogger } from './platform/logger.ts';
import { createMonthlyClose } from './billing/monthly-close.ts';
import { createNotices } from './notices/notices.ts';
import { createOperators } from './ops/operators.ts';
import { createOverview } from './accounts/overview.ts';
import { createPasskeys } from './auth/passkeys.ts';
import { createPayments } from './payments/payments.ts';
import { createPdfRenderer } from './bills/pdf.ts';
import { createPin } from './auth/pin.ts';
import { createReadings } from './billing/readings.ts';
import { createReadingsWithoutLogin } from './billing/readings-without-login.ts';
import { createRetention } from './ops/retention.ts';
import { createMail } from './platform/mail.ts';
import { createSessions } from './auth/sessions.ts';
import { createSupport } from './support/support.ts';
import { createThrottle } from './auth/throttle.ts';
import { createUploads } from './support/uploads.ts';

export type Services = ReturnType<typeof createServices>;

export function createServices(config: Config, db: Db, clock: Clock) {
  const audit = createAudit(db, clock);
  const throttle = createThrottle(db, clock);
  const reads = createGroupRead(db); // requests' page reads share one read transaction per turn of the event loop
  const sessions = createSessions(db, clock, config.session, reads);
  const mail = createMail(db, clock, { smtpUrl: config.smtpUrl, from: config.mailFrom, sendOnEnqueue: config.workers === 1 });
  const letters = createLetters(config.company, config.baseUrl);
  const auth = createAuth({ db, clock, company: config.company, baseUrl: config.baseUrl, registrationProof: config.registrationProof, sessions, throttle, mail, letters, audit });
  const cabinet = createCabinet({ db, clock, audit, throttle });
  const commits = createGroupCommit(db); // requests' submissions share one commit per turn of the event loop
  const readings = createReadings({ db, clock, company: config.company, audit, commits, reads });
  const readingsWithoutLogin = createReadingsWithoutLogin({ db, clock, throttle, audit, readings, commits });
  const overview = createOverview({ db, clock, company: config.company, reads });
  const operators = createOperators({ db, clock, audit, throttle, session: config.session, issuer: config.company.appName });
  const monthlyClose = createMonthlyClose({ db, clock, company: config.company });
  const format = createFormatter(config.company.timeZone);
  const history = createHistory({ db, clock, company: config.company, format, reads });
  // The gateway reads config.payment at each call: server.ts sets gatewayUrl once the sandbox listens.
  const gateway = createGateway(config.payment);
  const payments = createPayments({
    db,
    clock,
    company: config.company,
    baseUrl: config.baseUrl,
    gateway,
    readings,
    audit,
    mail,
    letters,
    format,
    reconcile: { afterMinutes: config.payment.reconcileAfterMinutes, intervalSeconds: config.payment.reconcileIntervalSeconds },
    sbp: { enabled: config.payment.sbp.enabled, ttlSeconds: config.payment.sbp.ttlMinutes * 60 },
  });
  // One Chromium for the process, launched at the first PDF; close it with pdf.close().
  const pdf = createPdfRenderer({ chromePath: config.chromePath, sandbox: config.chromeSandbox, ...config.pdf });
  const bills = createBills({ db, clock, company: config.company, renderer: pdf, mail });
  const uploads = createUploads(config.uploadsPath);
  const accountSettings = createAccountSettings({ db, clock, audit, throttle, sessions, mail, letters, uploads });
  const support = createSupport({ db, clock, audit, mail, letters, uploads, baseUrl: config.baseUrl });
  const billingExchange = createBillingExchange({ db, clock });
  const notices = createNotices({ db, clock, company: config.company, baseUrl: config.baseUrl, unsubscribeSecret: config.notices.unsubscribeSecret, mail, letters, format, audit });
  const logger = createLogger(config.logLevel);
  const health = createHealth({ db, pdf, chromePath: config.chromePath });
  const retention = createRetention({ db, clock, session: config.session, policy: config.retention });
  // The mobile row: API bearer tokens, PIN on a trusted device, passkeys on that device.
  const apiTokens = createApiTokens({ db, clock, throttle, audit, ttlHours: config.mobile.apiTokenTtlHours, reads });
  const pin = createPin({ db, clock, audit, throttle, sessions });
  const passkeys = createPasskeys({ db, clock, audit, throttle, sessions, pin, rp: { id: config.mobile.webauthnRpId, origin: config.mobile.webauthnOrigin, name: config.company.appName } });
  return { apiTokens, pin, passkeys, logger, health, retention, config, db, clock, audit, throttle, sessions, mail, letters, auth, cabinet, readings, readingsWithoutLogin, overview, operators, monthlyClose, format, gateway, payments, history, pdf, bills, uploads, accountSettings, support, billingExchange, notices };
}
