// Random secrets and their hashes: only hashes ever reach the database.
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

/** 160 random bits, base32: for cookies and e-mailed links. */
export function randomToken(): string {
  return encodeBase32LowerCaseNoPadding(randomBytes(20));
}

/** An 8-digit code to type from an e-mail. */
export function randomDigits(length = 8): string {
  let code = '';
  for (let i = 0; i < length; i++) code += String(randomInt(10));
  return code;
}

/** SHA-256 in hex, by Node's own crypto: every session and API request hashes its token. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
