// argon2id with the OWASP parameters (m=19 MiB, t=2, p=1), which are the library's defaults.
import { hash, verify } from '@node-rs/argon2';

const options = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, options);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

let decoy: Promise<string> | null = null;

/** Verified against when the account is unknown, so timing does not tell which accounts exist. */
export function decoyPasswordHash(): Promise<string> {
  decoy ??= hashPassword('svet-decoy-password');
  return decoy;
}

export const passwordRules = { min: 8, max: 128 } as const;
