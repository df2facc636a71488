// lastAcceptedReadings, one statement for every zone: per zone the accepted reading with the
// highest submission number from periods before the one asked, of that meter only, in zone order.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openDatabase } from '../../db/connection.ts';
import { lastAcceptedReadings, type ReadingRow } from '../../db/billing/readings.ts';
import { insertMeter } from '../../db/accounts/accounts.ts';
import { seedAccount, seedReading } from '../helpers/fixtures.ts';

test('the newest accepted reading per zone before the period, by submission number, in zone order', () => {
  const db = openDatabase(':memory:');
  const account = seedAccount(db, { zones: 3 });
  const meterId = account.meterId!;
  const reading = (period: string, seq: number, zone: number, value: number, status = 'accepted') =>
    seedReading(db, { accountId: account.id, meterId, period, seq, zone, value, status });
  for (const zone of [1, 2, 3]) reading('2026-07', 1, zone, 100 * zone);
  for (const zone of [1, 2]) reading('2026-08', 2, zone, 110 * zone);
  reading('2026-09', 3, 1, 130, 'review');
  reading('2026-09', 4, 2, 240, 'rejected');
  reading('2026-09', 5, 1, 125, 'replaced');
  // A correction for an earlier period submitted later: its number, not its period, makes it the newest.
  reading('2026-06', 6, 3, 305);
  for (const zone of [1, 2, 3]) reading('2026-10', 7, zone, 150 * zone);
  const of = (before: string) => lastAcceptedReadings(db, account.id, meterId, before).map((r) => [r.zone, r.period, r.seq, r.value]);

  assert.equal(of('2026-06'), []);
  assert.equal(of('2026-07'), [[3, '2026-06', 6, 305]]);
  assert.equal(of('2026-08'), [[1, '2026-07', 1, 100], [2, '2026-07', 1, 200], [3, '2026-06', 6, 305]]);
  assert.equal(of('2026-10'), [[1, '2026-08', 2, 110], [2, '2026-08', 2, 220], [3, '2026-06', 6, 305]]);
  assert.equal(of('2026-12'), [[1, '2026-10', 7, 150], [2, '2026-10', 7, 300], [3, '2026-10', 7, 450]]);

  const full = lastAcceptedReadings(db, account.id, meterId, '2026-08')[0];
  assert.equal(full, db.prepare("SELECT * FROM readings WHERE account_id = ? AND period = '2026-07' AND seq = 1 AND zone = 1").get(account.id) as ReadingRow);

  // Another meter of the account (a replacement) and another account have their own readings.
  db.prepare("UPDATE meters SET removed_on = '2026-11-01' WHERE id = ?").run(meterId);
  const newMeter = insertMeter(db, { account_id: account.id, model: 'Нева', serial: 'N1', zones: 1, digits: 6, installed_on: '2026-11-01', verified_until: '2036-11-01' });
  seedReading(db, { accountId: account.id, meterId: newMeter, period: '2026-11', seq: 8, value: 5 });
  const other = seedAccount(db, { zones: 1 });
  seedReading(db, { accountId: other.id, meterId: other.meterId!, period: '2026-11', seq: 1, value: 9 });
  assert.equal(of('2026-12').map((r) => r[3]), [150, 300, 450]);
  assert.equal(lastAcceptedReadings(db, account.id, newMeter, '2026-12').map((r) => [r.zone, r.value]), [[1, 5]]);
  assert.equal(lastAcceptedReadings(db, other.id, other.meterId!, '2026-12').map((r) => [r.zone, r.value]), [[1, 9]]);
  db.close();
});

test.run();
