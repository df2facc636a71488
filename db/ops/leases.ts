import type { Db } from '../connection.ts';
import { prepared } from '../prepared.ts';

/**
 * Takes or renews the lease: it is ours if free, already ours, or its holder let it expire.
 * One statement, so two processes asking at once cannot both win.
 */
export function takeLease(db: Db, name: string, holder: string, nowMs: number, untilMs: number): boolean {
  const result = prepared(
    db,
    `INSERT INTO leases (name, holder, expires_at_ms) VALUES (?, ?, ?)
     ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at_ms = excluded.expires_at_ms
     WHERE leases.holder = excluded.holder OR leases.expires_at_ms <= ?`,
  ).run(name, holder, untilMs, nowMs);
  return result.changes === 1;
}

export function releaseLease(db: Db, name: string, holder: string): void {
  prepared(db, 'DELETE FROM leases WHERE name = ? AND holder = ?').run(name, holder);
}

export function getLeaseHolder(db: Db, name: string): { holder: string; expires_at_ms: number } | undefined {
  return prepared(db, 'SELECT holder, expires_at_ms FROM leases WHERE name = ?').get(name) as { holder: string; expires_at_ms: number } | undefined;
}

/** Takes the lease over from a holder known to be dead, whatever its term says. */
export function takeLeaseFrom(db: Db, name: string, deadHolder: string, holder: string, untilMs: number): boolean {
  return prepared(db, 'UPDATE leases SET holder = ?, expires_at_ms = ? WHERE name = ? AND holder = ?').run(holder, untilMs, name, deadHolder).changes === 1;
}
