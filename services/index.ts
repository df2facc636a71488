// Builds every service from the config, the database and a clock.
import type { Db } from '../db/connection.ts';
import { createAccountSettings } from './account-settings.ts';
import { createApiTokens } from './api-tokens.ts';
import { createAudit } from './audit.ts';
import { createBills } from './bills.ts';
import { createBillingExchange } from './billing-exchange.ts';
import { createAuth } from './auth.ts';
import { createCabinet } from './cabinet.ts';
import type { Clock } from './clock.ts';
import type { Config } from './config.ts';
import { createFormatter } from './format.ts';
import { createGateway } from './gateway.ts';
import { createHealth } from './health.ts';
import { createHistory } from './history.ts';
import { createLetters } from './letters.ts';
import { createLogger } from './logger.ts';
import { createMonthlyClose } from './monthly-close.ts';
import { createOperators } from './operators.ts';
import { createOverview } from './overview.ts';
import { createPasskeys } from './passkeys.ts';
import { createPayments } from './payments.ts';
import { createPdfRenderer } from './pdf.ts';
import { createPin } from './pin.ts';
import { createReadings } from './readings.ts';
import { createRetention } from './retention.ts';
import { createMail } from './mail.ts';
import { createSessions } from './sessions.ts';
import { createSupport } from './support.ts';
import { createThrottle } from './throttle.ts';
import { createUploads } from './uploads.ts';

export type Services = ReturnType<typeof createServices>;

export function createServices(config: Config, db: Db, clock: Clock) {
  const audit = createAudit(db, clock);
  const throttle = createThrottle(clock);
  const sessions = createSessions(db, clock, config.session);
  const mail = createMail(db, clock, { smtpUrl: config.smtpUrl, from: config.mailFrom });
  const letters = createLetters(config.company, config.baseUrl);
  const auth = createAuth({
    db,
    clock,
    company: config.company,
    baseUrl: config.baseUrl,
    registrationProof: config.registrationProof,
    sessions,
    throttle,
    mail,
    letters,
    audit,
  });
  const cabinet = createCabinet({ db, clock, audit, throttle });
  const readings = createReadings({ db, clock, company: config.company, audit });
  const overview = createOverview({ db, clock, company: config.company });
  const operators = createOperators({ db, clock, audit, throttle, session: config.session, issuer: config.company.appName });
  const monthlyClose = createMonthlyClose({ db, clock, company: config.company });
  const format = createFormatter(config.company.timeZone);
  const history = createHistory({ db, clock, company: config.company, format });
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
  });
  // One Chromium for the process, launched at the first PDF; close it with pdf.close().
  const pdf = createPdfRenderer({ chromePath: config.chromePath, sandbox: config.chromeSandbox, ...config.pdf });
  const bills = createBills({ db, clock, company: config.company, renderer: pdf, mail });
  const uploads = createUploads(config.uploadsPath);
  const accountSettings = createAccountSettings({ db, clock, audit, throttle, sessions, mail, letters, uploads });
  const support = createSupport({ db, clock, audit, mail, letters, uploads, baseUrl: config.baseUrl });
  const billingExchange = createBillingExchange({ db, clock });
  const logger = createLogger(config.logLevel);
  const health = createHealth({ db, pdf, chromePath: config.chromePath });
  const retention = createRetention({ db, clock, session: config.session, policy: config.retention });
  // The mobile row: API bearer tokens, PIN on a trusted device, passkeys on that device.
  const apiTokens = createApiTokens({ db, clock, throttle, audit, ttlHours: config.mobile.apiTokenTtlHours });
  const pin = createPin({ db, clock, audit, throttle, sessions });
  const passkeys = createPasskeys({ db, clock, audit, throttle, sessions, pin, rp: { id: config.mobile.webauthnRpId, origin: config.mobile.webauthnOrigin, name: config.company.appName } });
  return { apiTokens, pin, passkeys, logger, health, retention, config, db, clock, audit, throttle, sessions, mail, letters, auth, cabinet, readings, overview, operators, monthlyClose, format, gateway, payments, history, pdf, bills, uploads, accountSettings, support, billingExchange };
}
