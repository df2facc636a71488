// The retention job: what is kept only as long as it is needed. Expired sessions and codes go at
// once (and the grants of readings without logging in); sent letters (with their PDF attachments)
// after OUTBOX_KEEP_DAYS; the audit log after AUDIT_KEEP_DAYS; the receipt e-mail of a payment after
// PAYMENT_EMAIL_KEEP_DAYS (the payment stays). Each delete is a short chunk, so it runs beside the server (hourly timer) or
// as `npm run purge`.
import type { Db } from '../../db/connection.ts';
import { deleteExpiredApiTokens } from '../../db/auth/api-tokens.ts';
import { deleteStaleChallenges } from '../../db/auth/devices.ts';
import { clearOldPaymentEmails, deleteDeadCodes, deleteExpiredOperatorSessions, deleteExpiredReadingGrants, deleteExpiredSessions, deleteOldAudit, deleteOldThrottleHits, deleteSentOutbox, purgeChunk } from '../../db/ops/retention.ts';
import { nowSeconds, type Clock } from '../platform/clock.ts';
import type { SessionLimits } from '../auth/sessions.ts';

export type RetentionPolicy = { outboxKeepDays: number; auditKeepDays: number; paymentEmailKeepDays: number };

export type PurgeCounts = { sessions: number; operatorSessions: number; codes: number; outbox: number; audit: number; apiTokens: number; challenges: number; throttleHits: number; readingGrants: number; paymentEmails: number };

export type Retention = ReturnType<typeof createRetention>;

const day = 86_400;
const codeGraceSeconds = day;

export function createRetention(deps: { db: Db; clock: Clock; session: SessionLimits; policy: RetentionPolicy }) {
  const { db, clock, session, policy } = deps;
  let timer: NodeJS.Timeout | null = null;

  /** Repeats one chunked delete until a chunk comes back short. */
  function drain(deleteChunk: () => number): number {
    let total = 0;
    for (;;) {
      const deleted = deleteChunk();
      total += deleted;
      if (deleted < purgeChunk) return total;
    }
  }

  const retention = {
    purge(): PurgeCounts {
      const now = nowSeconds(clock);
      const idleBefore = now - session.idleMinutes * 60;
      const createdBefore = now - session.absoluteHours * 3600;
      return {
        sessions: drain(() => deleteExpiredSessions(db, idleBefore, createdBefore)),
        operatorSessions: drain(() => deleteExpiredOperatorSessions(db, idleBefore, createdBefore)),
        codes: drain(() => deleteDeadCodes(db, now - codeGraceSeconds)),
        outbox: drain(() => deleteSentOutbox(db, now - policy.outboxKeepDays * day)),
        audit: drain(() => deleteOldAudit(db, now - policy.auditKeepDays * day)),
        apiTokens: deleteExpiredApiTokens(db, now),
        challenges: deleteStaleChallenges(db, now),
        throttleHits: drain(() => deleteOldThrottleHits(db, clock.now() - day * 1000)),
        readingGrants: drain(() => deleteExpiredReadingGrants(db, now)),
        paymentEmails: drain(() => clearOldPaymentEmails(db, now - policy.paymentEmailKeepDays * day)),
      };
    },

    startTimer(intervalMs = 3_600_000, onError: (error: unknown) => void = () => {}): void {
      if (timer) return;
      timer = setInterval(() => {
        try {
          retention.purge();
        } catch (error) {
          onError(error);
        }
      }, intervalMs);
      timer.unref();
    },

    stop(): void {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
  return retention;
}
