// Registration, activation, login and password recovery: the rules, no HTTP.
import type { Db } from '../../db/connection.ts';
import type { Audit } from '../ops/audit.ts';
import { bind } from '../platform/bind.ts';
import type { Clock } from '../platform/clock.ts';
import type { Company } from '../platform/config.ts';
import type { Letters } from '../platform/letters.ts';
import type { Mail } from '../platform/mail.ts';
import { activateByCode, activateByLink, activationLinkIsLive, resendActivation } from './activation.ts';
import { login, logout } from './login.ts';
import { completeRecovery, startRecovery } from './recovery.ts';
import { register } from './register.ts';
import type { Sessions } from './sessions.ts';
import type { Throttle } from './throttle.ts';

export { messages } from './messages.ts';

export type RequestContext = { ip: string; userAgent: string };
export type FieldErrors = Record<string, string>;

export type RegistrationInput = {
  accountNumber: string;
  password: string;
  email: string;
  phone: string;
  proof: string;
};

export type LoginResult =
  | { kind: 'ok'; token: string; primaryLinkId: number }
  | { kind: 'invalid' }
  | { kind: 'not_activated' }
  | { kind: 'throttled'; message: string };

/** What the registration, activation, login and recovery operations share. */
export type AuthDeps = {
  db: Db;
  clock: Clock;
  company: Company;
  baseUrl: string;
  registrationProof: boolean;
  sessions: Sessions;
  throttle: Throttle;
  mail: Mail;
  letters: Letters;
  audit: Audit;
};

export type Auth = ReturnType<typeof createAuth>;

export function createAuth(deps: AuthDeps) {
  return bind(deps, { register, activationLinkIsLive, activateByLink, activateByCode, resendActivation, login, logout, startRecovery, completeRecovery });
}
