// Bearer tokens of the JSON API: rows keyed by the token's SHA-256.
import type { Db } from '../connection.ts';
import { prepared } from '../prepared.ts';

export type ApiTokenRow = { id: string; user_id: number; created_at: number; expires_at: number; user_agent: string };

export function insertApiToken(db: Db, row: ApiTokenRow): void {
  prepared(db, 'INSERT INTO api_tokens (id, user_id, created_at, expires_at, user_agent) VALUES (@id, @user_id, @created_at, @expires_at, @user_agent)').run(row);
}

export function getApiToken(db: Db, id: string): ApiTokenRow | undefined {
  return prepared(db, 'SELECT id, user_id, created_at, expires_at, user_agent FROM api_tokens WHERE id = ?').get(id) as ApiTokenRow | undefined;
}

export function deleteApiToken(db: Db, id: string): void {
  prepared(db, 'DELETE FROM api_tokens WHERE id = ?').run(id);
}

export function deleteExpiredApiTokens(db: Db, now: number): number {
  return prepared(db, 'DELETE FROM api_tokens WHERE expires_at <= ?').run(now).changes;
}
