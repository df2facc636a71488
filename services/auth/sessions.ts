// Sessions as lucia's guide describes: a random token in the cookie, its SHA-256 in the database,
// expiry by inactivity and an absolute cap, last-seen written at most once a minute.
import type { Db } from '../../db/connection.ts';
import type { GroupRead } from '../../db/group-read.ts';
import {
  deleteSession,
  deleteUserCredentialsBesidesPassword,
  deleteUserSessions,
  getSessionWithUser,
  insertSession,
  touchSession,
  type SessionRow,
} from '../../db/auth/sessions.ts';
import { listUserLinks, type AccountLinkRow, type UserRow } from '../../db/auth/users.ts';
import { nowSeconds, type Clock } from '../platform/clock.ts';
import { constantTimeEqual, hashSecret, randomToken } from '../platform/tokens.ts';

export type SessionLimits = { idleMinutes: number; absoluteHours: number };

/** links: the user's account links, which every cabinet page checks its :link against. */
export type ValidSession = { session: SessionRow; user: UserRow; links: AccountLinkRow[] };

export type Sessions = ReturnType<typeof createSessions>;

const touchEverySeconds = 60;
/** Past this many remembered touches the memory is dropped: at worst a session is written once more. */
const touchesRemembered = 10_000;

/**
 * Writes a session's last_seen_at at most once a minute, and answers its last-seen time after that.
 * The requests of one session read in one turn all see the same last_seen_at: the first writes it.
 */
function createTouch(db: Db): (id: string, lastSeen: number, now: number) => number {
  const touchedAt = new Map<string, number>();
  return (id, lastSeen, now) => {
    const seen = Math.max(lastSeen, touchedAt.get(id) ?? 0);
    if (now - seen < touchEverySeconds) return seen;
    if (touchedAt.size >= touchesRemembered) touchedAt.clear();
    touchSession(db, id, now);
    touchedAt.set(id, now);
    return now;
  };
}

/** The session with its user, then the user's links. */
function sessionWithLinks(db: Db, id: string): ValidSession | undefined {
  const found = getSessionWithUser(db, id);
  return found && { ...found, links: listUserLinks(db, found.user.id) };
}

export function createSessions(db: Db, clock: Clock, limits: SessionLimits, reads: GroupRead) {
  const idle = limits.idleMinutes * 60;
  const absolute = limits.absoluteHours * 3600;

  const touch = createTouch(db);

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

    /**
     * Read with the other requests of this turn: the session with its user, then the user's links;
     * the writes after, on their own.
     */
    async validate(token: string): Promise<ValidSession | null> {
      if (!/^[a-z2-7]{32}$/.test(token)) return null;
      const id = hashSecret(token);
      const found = await reads.run(() => sessionWithLinks(db, id));
      if (!found || !constantTimeEqual(found.session.id, id)) return null;
      const { session, user, links } = found;
      const now = nowSeconds(clock);
      if (isExpired(session, now)) {
        deleteSession(db, id);
        return null;
      }
      if (user.activated_at === null) return null;
      session.last_seen_at = touch(id, session.last_seen_at, now);
      return { session, user, links };
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
