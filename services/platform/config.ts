// The one place that reads process.env; everything else receives a Config.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const phoneSchema = z.object({
  id: z.string(),
  label: z.string(),
  number: z.string(),
  tel: z.string().regex(/^\+\d{11}$/),
  hours: z.string(),
});

const companySchema = z.object({
  name: z.string(),
  shortName: z.string(),
  appName: z.string(),
  inn: z.string().regex(/^\d{10}$/),
  kpp: z.string().regex(/^\d{9}$/),
  ogrn: z.string().regex(/^\d{13}$/),
  address: z.string(),
  site: z.url(),
  email: z.email(),
  timeZone: z.string(),
  phones: z.array(phoneSchema).min(1),
  bank: z.object({
    name: z.string(),
    bic: z.string().regex(/^\d{9}$/),
    correspondentAccount: z.string().regex(/^\d{20}$/),
    account: z.string().regex(/^\d{20}$/),
  }),
  readingWindow: z.object({
    firstDay: z.number().int().min(1).max(28),
    lastDay: z.number().int().min(1).max(28),
  }).refine((w) => w.firstDay <= w.lastDay, 'firstDay must not be after lastDay'),
  paymentDueDay: z.number().int().min(1).max(28),
  /** A reading implying more than max(jumpMinimumKwh, usual monthly use × months × jumpFactor) is flagged. */
  readings: z.object({
    jumpFactor: z.number().min(1),
    jumpMinimumKwh: z.number().int().min(0),
  }),
  verificationWarningDays: z.number().int().min(0),
  documents: z.object({
    agreementVersion: z.string(),
    personalDataConsentVersion: z.string(),
  }),
  /** Card payments: the amount a customer may pay at once, and the consent ticked on the payment form. */
  payments: z
    .object({
      minKopecks: z.number().int().min(1),
      maxKopecks: z.number().int().min(1),
      consentVersion: z.string(),
      consentText: z.string(),
    })
    .refine((p) => p.minKopecks <= p.maxKopecks, 'minKopecks must not be above maxKopecks')
    .default({
      minKopecks: 100,
      maxKopecks: 15_000_000,
      consentVersion: '2026-01',
      consentText: 'Я согласен на обработку моих персональных данных в целях исполнения договора энергоснабжения и проведения оплаты',
    }),
});

export type Company = z.infer<typeof companySchema>;

export type Config = {
  env: 'production' | 'development' | 'test';
  isProduction: boolean;
  port: number;
  /** Processes serving the port (node:cluster) on the one database file. */
  workers: number;
  /** The term of the background jobs' lease: a dead holder's jobs move on after at most this. */
  jobLeaseSeconds: number;
  baseUrl: string;
  databasePath: string;
  /** Support attachments: outside static/, default `uploads` beside the database file. */
  uploadsPath: string;
  company: Company;
  smtpUrl: string | null;
  mailFrom: string;
  chromePath: string;
  chromeSandbox: boolean;
  pdf: { concurrency: number; timeoutMs: number };
  trustProxy: number;
  payment: {
    gatewayUrl: string | null;
    username: string;
    password: string;
    callbackKey: string;
    timeoutMs: number;
    /** Settle orders still pending after this many minutes; how often the job runs. */
    reconcileAfterMinutes: number;
    reconcileIntervalSeconds: number;
    /** Paying by СБП on the same order: offered at all, and how long its QR code (the order) stays payable. */
    sbp: { enabled: boolean; ttlMinutes: number };
    /** The built-in sandbox bank: on when no real gateway is configured (outside production). */
    sandbox: { enabled: boolean; port: number; callbacks: boolean };
  };
  session: {
    idleMinutes: number;
    absoluteHours: number;
  };
  registrationProof: boolean;
  demoData: boolean;
  /** The mobile row: API bearer tokens, trusted devices (PIN), WebAuthn relying party. */
  mobile: { apiTokenTtlHours: number; deviceCookieDays: number; webauthnRpId: string; webauthnOrigin: string };
  /** pino level: 'silent' in tests, 'info' elsewhere. */
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** On SIGTERM, requests in flight get this long before their connections are cut. */
  shutdownTimeoutMs: number;
  backup: { dir: string; keep: number };
  /** Sent letters (and their attachments), the audit log and payments' receipt e-mails are purged after this many days. */
  retention: { outboxKeepDays: number; auditKeepDays: number; paymentEmailKeepDays: number };
  /** Notices by e-mail: the HMAC key of their one-click unsubscribe links. */
  notices: { unsubscribeSecret: string };
};

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const defaultCompanyPath = fileURLToPath(new URL('../../company.json', import.meta.url));

function retentionFrom(env: NodeJS.ProcessEnv): Config['retention'] {
  return {
    outboxKeepDays: Math.max(1, intFrom(env, 'OUTBOX_KEEP_DAYS', 90)),
    auditKeepDays: Math.max(1, intFrom(env, 'AUDIT_KEEP_DAYS', 1095)),
    // Six years: a receipt is an accounting document kept five years after the reporting year (402-ФЗ
    // art. 29, НК РФ art. 23), as long as the fiscal data operator keeps the receipt under 54-ФЗ.
    paymentEmailKeepDays: Math.max(1, intFrom(env, 'PAYMENT_EMAIL_KEEP_DAYS', 2192)),
  };
}

export function loadCompany(path: string = defaultCompanyPath): Company {
  return companySchema.parse(JSON.parse(readFileSync(path, 'utf8')));
}

function intFrom(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return value;
}

function flagFrom(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  return raw === '1' || raw.toLowerCase() === 'true';
}

/** How many processes serve, and the background jobs' lease between them. */
function processesFrom(env: NodeJS.ProcessEnv, isProduction: boolean): Pick<Config, 'workers' | 'jobLeaseSeconds'> {
  return {
    workers: Math.max(1, intFrom(env, 'WORKERS', isProduction ? availableParallelism() : 1)),
    jobLeaseSeconds: Math.max(2, intFrom(env, 'JOB_LEASE_SECONDS', 15)),
  };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const name = env.NODE_ENV === 'production' ? 'production' : env.NODE_ENV === 'test' ? 'test' : 'development';
  const isProduction = name === 'production';
  const port = intFrom(env, 'PORT', 3000);
  const config: Config = {
    env: name,
    isProduction,
    port,
    ...processesFrom(env, isProduction),
    baseUrl: (env.BASE_URL || `http://localhost:${port}`).replace(/\/+$/, ''),
    databasePath: env.DATABASE_PATH || 'data/svet.db',
    uploadsPath: env.UPLOADS_PATH || join(dirname(env.DATABASE_PATH || 'data/svet.db'), 'uploads'),
    company: loadCompany(env.COMPANY_CONFIG || undefined),
    smtpUrl: env.SMTP_URL || null,
    mailFrom: env.MAIL_FROM || 'Свет КСК <no-reply@svet.localhost>',
    chromePath: env.CHROME_PATH || '/usr/lib/chromium/chromium',
    chromeSandbox: flagFrom(env, 'CHROME_SANDBOX', isProduction),
    pdf: { concurrency: Math.max(1, intFrom(env, 'PDF_CONCURRENCY', 3)), timeoutMs: intFrom(env, 'PDF_TIMEOUT_MS', 20_000) },
    trustProxy: intFrom(env, 'TRUST_PROXY', 0),
    payment: {
      gatewayUrl: env.PAYMENT_GATEWAY_URL || null,
      username: env.PAYMENT_USERNAME || 'svet-sandbox',
      password: env.PAYMENT_PASSWORD || 'sandbox-password',
      callbackKey: env.PAYMENT_CALLBACK_KEY || 'sandbox-callback-key',
      timeoutMs: intFrom(env, 'PAYMENT_GATEWAY_TIMEOUT_MS', 15_000),
      reconcileAfterMinutes: intFrom(env, 'PAYMENT_RECONCILE_AFTER_MINUTES', 15),
      reconcileIntervalSeconds: intFrom(env, 'PAYMENT_RECONCILE_INTERVAL_SECONDS', 300),
      sbp: { enabled: flagFrom(env, 'PAYMENT_SBP', true), ttlMinutes: Math.min(1440, Math.max(1, intFrom(env, 'PAYMENT_SBP_TTL_MINUTES', 20))) },
      sandbox: {
        enabled: !env.PAYMENT_GATEWAY_URL && flagFrom(env, 'PAYMENT_SANDBOX', !isProduction),
        port: intFrom(env, 'SANDBOX_BANK_PORT', 0),
        callbacks: flagFrom(env, 'SANDBOX_BANK_CALLBACKS', true),
      },
    },
    session: {
      idleMinutes: intFrom(env, 'SESSION_IDLE_MINUTES', 30),
      absoluteHours: intFrom(env, 'SESSION_ABSOLUTE_HOURS', 12),
    },
    registrationProof: flagFrom(env, 'REGISTRATION_PROOF', true),
    demoData: flagFrom(env, 'DEMO_DATA', !isProduction),
    mobile: {
      apiTokenTtlHours: Math.max(1, intFrom(env, 'API_TOKEN_TTL_HOURS', 30 * 24)),
      deviceCookieDays: Math.max(1, intFrom(env, 'TRUSTED_DEVICE_DAYS', 365)),
      // WebAuthn refuses IP origins: BASE_URL must name the host (http://localhost:3000 in development).
      webauthnRpId: env.WEBAUTHN_RP_ID || new URL(env.BASE_URL || `http://localhost:${port}`).hostname,
      webauthnOrigin: env.WEBAUTHN_ORIGIN || new URL(env.BASE_URL || `http://localhost:${port}`).origin,
    },
    logLevel: logLevelFrom(env.LOG_LEVEL, name === 'test' ? 'silent' : 'info'),
    shutdownTimeoutMs: intFrom(env, 'SHUTDOWN_TIMEOUT_MS', 10_000),
    backup: {
      dir: env.BACKUP_DIR || join(dirname(env.DATABASE_PATH || 'data/svet.db'), 'backups'),
      keep: Math.max(1, intFrom(env, 'BACKUP_KEEP', 7)),
    },
    retention: retentionFrom(env),
    notices: { unsubscribeSecret: env.UNSUBSCRIBE_SECRET || developmentUnsubscribeSecret },
  };
  if (isProduction) refuseUnsafeProduction(config, env);
  return config;
}

function logLevelFrom(raw: string | undefined, fallback: Config['logLevel']): Config['logLevel'] {
  if (raw === undefined || raw === '') return fallback;
  if (!(logLevels as readonly string[]).includes(raw)) throw new Error(`LOG_LEVEL must be one of ${logLevels.join(', ')}, got "${raw}"`);
  return raw as Config['logLevel'];
}

/** The sandbox bank's built-in credentials: a real acquirer never has these. */
const demoPaymentSecrets = { PAYMENT_USERNAME: 'svet-sandbox', PAYMENT_PASSWORD: 'sandbox-password', PAYMENT_CALLBACK_KEY: 'sandbox-callback-key' } as const;

/** Outside production the unsubscribe links are signed with this; production refuses it. */
const developmentUnsubscribeSecret = 'svet-development-unsubscribe-secret';

function refuseUnsafeProduction(config: Config, env: NodeJS.ProcessEnv): void {
  const missing = ['BASE_URL', 'DATABASE_PATH', 'SMTP_URL', 'MAIL_FROM', 'PAYMENT_GATEWAY_URL', ...Object.keys(demoPaymentSecrets), 'UNSUBSCRIBE_SECRET'].filter((key) => !env[key]);
  if (missing.length > 0) throw new Error(`Production needs ${missing.join(', ')}`);
  if (!config.baseUrl.startsWith('https://')) throw new Error('Production needs an https:// BASE_URL');
  if (config.demoData) throw new Error('DEMO_DATA cannot be on in production');
  if (flagFrom(env, 'PAYMENT_SANDBOX', false)) throw new Error('PAYMENT_SANDBOX cannot be on in production');
  const demoSecrets = Object.entries(demoPaymentSecrets).filter(([key, value]) => env[key] === value).map(([key]) => key);
  if (demoSecrets.length > 0) throw new Error(`Production refuses the sandbox's demo values of ${demoSecrets.join(', ')}`);
  // Whoever knows the key can unsubscribe anyone: a guessable one is as good as none.
  const secret = config.notices.unsubscribeSecret;
  if (secret === developmentUnsubscribeSecret || secret.length < 32) throw new Error('Production needs an UNSUBSCRIBE_SECRET of at least 32 random characters');
}
