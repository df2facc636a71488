// Sessions as lucia's guide describes: a random token in the cookie, its SHA-256 in the database,
// expiry by inactivity and an absolute cap, last-seen written at most once a minute.
import type { Db } from '../../db/connection.ts';
import {
  deleteSession,
  deleteUserCredentialsBesidesPassword,
  deleteUserSessions,
  getSessionWithUser,
  insertSession,
  touchSession,
  type SessionRow,
} from '../../db/auth/sessions.ts';
import type { UserRow } from '../../db/auth/users.ts';
import { nowSeconds, type Clock } from '../platform/clock.ts';
import { constantTimeEqual, hashSecret, randomToken } from '../platform/tokens.ts';

export type SessionLimits = { idleMinutes: number; absoluteHours: number };

export type ValidSession = { session: SessionRow; user: UserRow };

export type Sessions = ReturnType<typeof createSessions>;

const touchEverySeconds = 60;

export function createSessions(db: Db, clock: Clock, limits: SessionLimits) {
  const idle = limits.idleMinutes * 60;
  const absolute = limits.absoluteHours * 3600;

  function isExpired(session: SessionRow, now: number): boolean {
    return now - session.last_seen_at >= idle || now - session.created_at >= absolute;
  }

  return {
    create(userId: number, meta: { userAgent: string; ip: string }): string {
      const token = randomToken();
      const now = nowSeconds(clock);
      insertSession(db, {
        id: hashSecret(token),
        user_id: userId,
        created_at: now,
        last_seen_at: now,
        user_agent: meta.userAgent.slice(0, 300),
        ip: meta.ip,
      });
      return token;
    },

    validate(token: string): ValidSession | null {
      if (!/^[a-z2-7]{32}$/.test(token)) return null;
      const id = hashSecret(token);
      // One statement for the session and its user: this runs on every logged-in request.
      const found = getSessionWithUser(db, id);
      if (!found || !constantTimeEqual(found.session.id, id)) return null;
      const { session, user } = found;
      const now = nowSeconds(clock);
      if (isExpired(session, now)) {
        deleteSession(db, id);
        return null;
      }
      if (user.activated_at === null) return null;
      if (now - session.last_seen_at >= touchEverySeconds) {
        touchSession(db, id, now);
        session.last_seen_at = now;
      }
      return { session, user };
    },

    end(token: string): void {
      deleteSession(db, hashSecret(token));
    },

    /** Ends every way in but the password: web sessions, API tokens and PIN devices (a password change, a reset, «выйти везде»). */
    endAllForUser(userId: number): number {
      deleteUserCredentialsBesidesPassword(db, userId);
      return deleteUserSessions(db, userId);
    },

    /** Seconds the cookie may live: never beyond the absolute cap. */
    cookieMaxAgeSeconds: absolute,
  };
}
