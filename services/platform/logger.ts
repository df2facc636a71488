// Structured JSON logs (pino) to stdout. What reaches them is chosen by the callers, and redaction
// is the second line: secrets by key name, e-mail addresses masked, token-like path segments cut.
import { pino, type DestinationStream, type Logger } from 'pino';
import type { Config } from './config.ts';

export type { Logger };

/** Keys whose values never reach a log line, at the top level or one or two levels down. */
const secretKeys = ['password', 'newPassword', 'passwordConfirm', 'pin', 'code', 'token', 'sessionToken', 'cookie', 'authorization', 'pan', 'card', 'cvc', '_csrf'];
const redactPaths = secretKeys.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]).concat(['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]']);

export function createLogger(level: Config['logLevel'], destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'svet', pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: redactPaths, censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
      serializers: { err: pino.stdSerializers.err },
    },
    destination,
  );
}

/** ivan.petrov@mail.ru → i***@m***.ru: enough to tell two letters apart, not to write to someone. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return '***';
  const domain = email.slice(at + 1);
  const dot = domain.lastIndexOf('.');
  return `${email[0]}***@${domain[0] ?? ''}***${dot > 0 ? domain.slice(dot) : ''}`;
}

/**
 * The path as it may be logged: no query string (it can carry codes and tokens), and any segment
 * that looks like a secret — the activation link's token, a long random id — replaced.
 */
export function loggablePath(url: string): string {
  const path = url.split('?')[0].split('#')[0];
  return path
    .split('/')
    .map((segment, index, all) => {
      if (index > 0 && all[index - 1] === 'activate' && segment !== '' && segment !== 'resend') return '<token>';
      if (/^[A-Za-z0-9_-]{20,}$/.test(segment) && !/^\d+$/.test(segment)) return '<token>';
      if (segment.includes('@') || segment.toLowerCase().includes('%40')) return '<email>';
      return segment;
    })
    .join('/');
}
