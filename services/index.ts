// Builds every service from the config, the database and a clock.
import type { Db } from '../db/connection.ts';
import { createAudit } from './audit.ts';
import { createAuth } from './auth.ts';
import { createCabinet } from './cabinet.ts';
import type { Clock } from './clock.ts';
import type { Config } from './config.ts';
import { createFormatter } from './format.ts';
import { createLetters } from './letters.ts';
import { createMonthlyClose } from './monthly-close.ts';
import { createOperators } from './operators.ts';
import { createOverview } from './overview.ts';
import { createReadings } from './readings.ts';
import { createMail } from './mail.ts';
import { createSessions } from './sessions.ts';
import { createThrottle } from './throttle.ts';

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
  return { config, db, clock, audit, throttle, sessions, mail, letters, auth, cabinet, readings, overview, operators, monthlyClose, format };
}
