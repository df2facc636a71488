// One-time codes sent by e-mail (activation, recovery, a new e-mail address): issued with an
// optional link and payload, checked with a few attempts.
import { countCodeAttempt, insertCode, voidCodes, type CodePurpose, type CodeRow } from '../../db/auth/codes.ts';
import type { Db } from '../../db/connection.ts';
import { nowSeconds, type Clock } from '../platform/clock.ts';
import { constantTimeEqual, hashSecret, randomDigits, randomToken } from '../platform/tokens.ts';

export const maxCodeAttempts = 5;

type CodeDeps = { db: Db; clock: Clock };

/** A new code (and link); store() voids the user's earlier codes of the purpose and keeps this one's hashes. */
export function issueCode({ db, clock }: CodeDeps, userId: number, purpose: CodePurpose, ttl: number, withLink: boolean, payload: string | null = null) {
  const code = randomDigits(8);
  const link = withLink ? randomToken() : null;
  const now = nowSeconds(clock);
  return {
    code,
    link,
    store: () => {
      voidCodes(db, userId, purpose, now);
      insertCode(db, {
        user_id: userId,
        purpose,
        code_hash: hashSecret(`${userId}:${code}`),
        link_hash: link ? hashSecret(link) : null,
        payload,
        created_at: now,
        expires_at: now + ttl,
      });
    },
  };
}

/** Checks a typed code, counting the attempt; the code dies after a few wrong ones. */
export function codeMatches({ db, clock }: CodeDeps, row: CodeRow | undefined, userId: number, code: string): row is CodeRow {
  if (!row || row.expires_at <= nowSeconds(clock)) return false;
  const attempts = countCodeAttempt(db, row.id);
  if (attempts > maxCodeAttempts) return false;
  return constantTimeEqual(row.code_hash, hashSecret(`${userId}:${code}`));
}
