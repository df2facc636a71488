import type { Db } from '../connection.ts';
import { prepared } from '../prepared.ts';

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

export function getSessionById(db: Db, id: string): SessionRow | undefined {
  return prepared(db, 'SELECT id, user_id, created_at, last_seen_at, user_agent, ip FROM sessions WHERE id = ?').get(id) as
    | SessionRow
    | undefined;
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
