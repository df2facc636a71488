// A session's checks, read in one statement with its user: a token of the right shape whose hash
// is stored, not idle past the limit nor older than the cap (an expired one is deleted), an
// activated user, and last-seen written at most once a minute.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openDatabase, type Db } from '../../db/connection.ts';
import { createGroupRead } from '../../db/group-read.ts';
import { createSessions } from '../../services/auth/sessions.ts';
import { fixedClock, type TestClock } from '../helpers/clock.ts';
import { seedAccount, seedUser } from '../helpers/fixtures.ts';

const limits = { idleMinutes: 30, absoluteHours: 12 };
const meta = { userAgent: 'test', ip: '127.0.0.1' };

async function world(options: { activated?: boolean } = {}) {
  const db = openDatabase(':memory:');
  const clock = fixedClock();
  const account = seedAccount(db);
  const { userId } = await seedUser(db, account.id, { activated: options.activated, email: 'who@example.ru' });
  const sessions = createSessions(db, clock, limits, createGroupRead(db));
  return { db, clock, sessions, userId, token: sessions.create(userId, meta) };
}

const lastSeen = (db: Db) => (db.prepare('SELECT last_seen_at AS at FROM sessions').get() as { at: number } | undefined)?.at;
const count = (db: Db) => (db.prepare('SELECT count(*) AS n FROM sessions').get() as { n: number }).n;
const seconds = (clock: TestClock) => Math.floor(clock.now() / 1000);

test('a valid token gives the session and its user', async () => {
  const { db, sessions, userId, token } = await world();
  const valid = (await sessions.validate(token))!;
  assert.ok(valid);
  assert.is(valid.session.user_id, userId);
  assert.is(valid.session.user_agent, 'test');
  assert.equal(valid.user, db.prepare('SELECT id, account_id, email, phone, password_hash, created_at, activated_at, password_changed_at FROM users WHERE id = ?').get(userId));
  db.close();
});

test('a malformed or unknown token, and a user not activated, get nothing', async () => {
  const { db, sessions, token } = await world();
  assert.is(await sessions.validate('not-a-token'), null);
  assert.is(await sessions.validate('a'.repeat(32)), null);
  assert.is(await sessions.validate(token.toUpperCase()), null);
  db.close();
  const pending = await world({ activated: false });
  assert.is(await pending.sessions.validate(pending.token), null);
  assert.is(count(pending.db), 1, 'not deleted: the session is not expired');
  pending.db.close();
});

test('last seen is written at most once a minute, and idle time counts from it', async () => {
  const { db, clock, sessions, token } = await world();
  const created = seconds(clock);
  clock.advance(59);
  assert.is((await sessions.validate(token))!.session.last_seen_at, created);
  assert.is(lastSeen(db), created);
  clock.advance(1);
  assert.is((await sessions.validate(token))!.session.last_seen_at, created + 60);
  assert.is(lastSeen(db), created + 60);
  clock.advance(29 * 60 + 59);
  assert.ok(await sessions.validate(token), 'idle just under 30 minutes');
  clock.advance(30 * 60);
  assert.is(await sessions.validate(token), null, 'idle 30 minutes');
  assert.is(count(db), 0, 'the expired session is deleted');
  db.close();
});

test('requests of one session read in the same turn write last seen once', async () => {
  const { db, clock, sessions, token } = await world();
  clock.advance(60);
  const changesBefore = (db.prepare('SELECT total_changes() AS n').get() as { n: number }).n;
  const all = await Promise.all([1, 2, 3, 4, 5].map(() => sessions.validate(token)));
  const changes = (db.prepare('SELECT total_changes() AS n').get() as { n: number }).n - changesBefore;
  assert.is(changes, 1, 'one UPDATE for five requests');
  assert.equal(all.map((valid) => valid!.session.last_seen_at), Array(5).fill(seconds(clock)));
  assert.is(lastSeen(db), seconds(clock));
  db.close();
});

test('a session ends after the absolute cap however active', async () => {
  const { db, clock, sessions, token } = await world();
  for (let hour = 0; hour < 12 * 4 - 1; hour++) {
    clock.advance(15 * 60);
    assert.ok(await sessions.validate(token), `active after ${(hour + 1) * 15} minutes`);
  }
  clock.advance(15 * 60);
  assert.is(await sessions.validate(token), null);
  assert.is(count(db), 0);
  db.close();
});

test('ending a session, and every session of the user', async () => {
  const { db, sessions, userId, token } = await world();
  const other = sessions.create(userId, meta);
  sessions.end(token);
  assert.is(await sessions.validate(token), null);
  assert.ok(await sessions.validate(other));
  assert.is(sessions.endAllForUser(userId), 1);
  assert.is(await sessions.validate(other), null);
  db.close();
});

test.run();
