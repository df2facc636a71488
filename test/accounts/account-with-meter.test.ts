// getAccountWithMeter, the account and its active meter in one statement, gives what
// getAccountById and getActiveMeter give apart: with a meter, without one, after a replacement.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openDatabase } from '../../db/connection.ts';
import { getAccountById, getAccountWithMeter, getActiveMeter, insertMeter } from '../../db/accounts/accounts.ts';
import { seedAccount } from '../helpers/fixtures.ts';

test('the account and its active meter, as read apart', () => {
  const db = openDatabase(':memory:');
  const apart = (id: number) => ({ account: getAccountById(db, id)!, meter: getActiveMeter(db, id) });
  const withMeter = seedAccount(db, { zones: 2, digits: 5 });
  const withoutMeter = seedAccount(db, { zones: null });
  assert.equal(getAccountWithMeter(db, withMeter.id), apart(withMeter.id));
  assert.is(getAccountWithMeter(db, withMeter.id)!.meter!.zones, 2);
  assert.equal(getAccountWithMeter(db, withoutMeter.id), { account: getAccountById(db, withoutMeter.id)!, meter: undefined });

  db.prepare("UPDATE meters SET removed_on = '2026-11-01' WHERE id = ?").run(withMeter.meterId);
  assert.equal(getAccountWithMeter(db, withMeter.id), { account: getAccountById(db, withMeter.id)!, meter: undefined }, 'a removed meter is not the active one');
  const replacement = insertMeter(db, { account_id: withMeter.id, model: 'Нева', serial: 'N1', zones: 3, digits: 6, installed_on: '2026-11-01', verified_until: '2036-11-01' });
  assert.is(getAccountWithMeter(db, withMeter.id)!.meter!.id, replacement);
  assert.equal(getAccountWithMeter(db, withMeter.id), apart(withMeter.id));
  assert.is(getAccountWithMeter(db, 999_999), undefined);
  db.close();
});

test.run();
