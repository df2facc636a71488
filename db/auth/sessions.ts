import type { Db } from '../connection.ts';
import { prepared } from '../prepared.ts';
import type { UserRow } from './users.ts';

export type SessionRow = {
  id: string;
  user_id: number;
  created_at: number;
  last_seen_at: number;
  user_agent: string;
  ip: string;
};

export function insertSession(db: Db, session: SessionRow): void {
  prepared(
    db,
    `INSERT INTO sessions (id, user_id, created_at, last_seen_at, user_agent, ip)
     VALUES (@id, @user_id, @created_at, @last_seen_at, @user_agent, @ip)`,
  ).run(session);
}

/** The user's columns beside the session's, each as user_<column>. */
type SessionWithUserRow = SessionRow & { [K in Exclude<keyof UserRow, 'id'> as `user_${K}`]: UserRow[K] };

/**
 * A session with its user, in one statement: the session's key, then the user's (a session's user
 * exists: deleting a user deletes its sessions).
 */
export function getSessionWithUser(db: Db, id: string): { session: SessionRow; user: UserRow } | undefined {
  const row = prepared(
    db,
    `SELECT s.id, s.user_id, s.created_at, s.last_seen_at, s.user_agent, s.ip,
            u.account_id AS user_account_id, u.email AS user_email, u.phone AS user_phone, u.password_hash AS user_password_hash,
            u.created_at AS user_created_at, u.activated_at AS user_activated_at, u.password_changed_at AS user_password_changed_at
       FROM sessions s JOIN users u ON u.id = s.user_id
      WHERE s.id = ?`,
  ).get(id) as SessionWithUserRow | undefined;
  if (!row) return undefined;
  return {
    session: { id: row.id, user_id: row.user_id, created_at: row.created_at, last_seen_at: row.last_seen_at, user_agent: row.user_agent, ip: row.ip },
    user: {
      id: row.user_id,
      account_id: row.user_account_id,
      email: row.user_email,
      phone: row.user_phone,
      password_hash: row.user_password_hash,
      created_at: row.user_created_at,
      activated_at: row.user_activated_at,
      password_changed_at: row.user_password_changed_at,
    },
  };
}

export function touchSession(db: Db, id: string, at: number): void {
  prepared(db, 'UPDATE sessions SET last_seen_at = ? WHERE id = ?').run(at, id);
}

export function deleteSession(db: Db, id: string): void {
  prepared(db, 'DELETE FROM sessions WHERE id = ?').run(id);
}

export function deleteUserSessions(db: Db, userId: number): number {
  return prepared(db, 'DELETE FROM sessions WHERE user_id = ?').run(userId).changes;
}

export function countUserSessions(db: Db, userId: number): number {
  return (prepared(db, 'SELECT count(*) AS n FROM sessions WHERE user_id = ?').get(userId) as { n: number }).n;
}

/** Everything that lets a user in without the password: API tokens and PIN devices (their passkeys go with them). */
export function deleteUserCredentialsBesidesPassword(db: Db, userId: number): void {
  prepared(db, 'DELETE FROM api_tokens WHERE user_id = ?').run(userId);
  prepared(db, 'DELETE FROM trusted_devices WHERE user_id = ?').run(userId);
}
