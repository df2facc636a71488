import type { Db } from '../connection.ts';
import { prepared } from '../prepared.ts';

/** The key's attempts after `sinceMs`, newest first, at most `limit` of them. */
export function recentThrottleHits(db: Db, key: string, sinceMs: number, limit: number): number[] {
  const rows = prepared(db, 'SELECT at_ms FROM throttle_hits WHERE key = ? AND at_ms > ? ORDER BY at_ms DESC LIMIT ?').all(key, sinceMs, limit) as { at_ms: number }[];
  return rows.map((row) => row.at_ms);
}

export function insertThrottleHit(db: Db, key: string, atMs: number): void {
  prepared(db, 'INSERT INTO throttle_hits (key, at_ms) VALUES (?, ?)').run(key, atMs);
}

export function deleteThrottleHits(db: Db, key: string): void {
  prepared(db, 'DELETE FROM throttle_hits WHERE key = ?').run(key);
}
