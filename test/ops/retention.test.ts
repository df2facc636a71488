// The retention purge: what has outlived its use goes, what is still live stays.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { insertCode } from '../../db/auth/codes.ts';
import { openDatabase, type Db } from '../../db/connection.ts';
import { insertSession } from '../../db/auth/sessions.ts';
import { nowSeconds } from '../../services/platform/clock.ts';
import { createMail } from '../../services/platform/mail.ts';
import { createRetention, type Retention } from '../../services/ops/retention.ts';
import { fixedClock, type TestClock } from '../helpers/clock.ts';
import { seedAccount, seedUser } from '../helpers/fixtures.ts';
import { dbStatements } from '../helpers/db-statements.ts';

type World = { dir: string; db: Db; clock: TestClock; retention: Retention; userId: number; accountId: number };
const test = suite<World>('retention purge');

const day = 86_400;

test.before(async (world) => {
  world.dir = mkdtempSync(join(tmpdir(), 'svet-retention-'));
  world.db = openDatabase(join(world.dir, 'svet.db'));
  world.clock = fixedClock('2026-11-20T09:00:00Z');
  world.retention = createRetention({ db: world.db, clock: world.clock, session: { idleMinutes: 30, absoluteHours: 12 }, policy: { outboxKeepDays: 90, auditKeepDays: 1095, paymentEmailKeepDays: 2192 } });
  world.accountId = seedAccount(world.db, { number: '500000777' }).id;
  world.userId = (await seedUser(world.db, seedAccount(world.db).id)).userId;
});

test.after((world) => {
  world.db.close();
  rmSync(world.dir, { recursive: true, force: true });
});

const count = (db: Db, table: string) => db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;

test('expired sessions and codes, old sent letters with their attachments, old audit entries go; the rest stays', (world) => {
  const { db, clock, userId } = world;
  const now = nowSeconds(clock);
  const session = (id: string, created: number, seen: number) => insertSession(db, { id, user_id: userId, created_at: created, last_seen_at: seen, user_agent: '', ip: '' });
  session('live', now - 3600, now - 60);
  session('idle', now - 3600, now - 31 * 60);
  session('too-old', now - 13 * 3600, now - 60);
  const code = (expires: number, used: number | null) => {
    const id = insertCode(db, { user_id: userId, purpose: 'recovery', code_hash: `h${expires}${used}`, link_hash: null, payload: null, created_at: expires - 900, expires_at: expires });
    if (used !== null) db.prepare('UPDATE one_time_codes SET used_at = ? WHERE id = ?').run(used, id);
  };
  code(now + 600, null); // live
  code(now - 3600, null); // expired within the day's grace: kept
  code(now - 2 * day, null); // expired long ago
  code(now + 600, now - 2 * day); // used long ago

  const mail = createMail(db, clock, { smtpUrl: null, from: 'x@example.ru' });
  const letter = (key: string) => mail.enqueue({ kind: 'bill', to: 'a@example.ru', subject: 's', text: 't', dedupeKey: key, attachments: [{ filename: 'b.pdf', contentType: 'application/pdf', content: Buffer.from('%PDF') }] })!;
  const oldSent = letter('old-sent');
  const recentSent = letter('recent-sent');
  letter('old-unsent');
  db.prepare('UPDATE outbox SET sent_at = ? WHERE id = ?').run(now - 91 * day, oldSent);
  db.prepare('UPDATE outbox SET sent_at = ? WHERE id = ?').run(now - 10 * day, recentSent);
  db.prepare("UPDATE outbox SET created_at = ? WHERE dedupe_key = 'old-unsent'").run(now - 200 * day);

  const audit = db.prepare("INSERT INTO audit_log (at, event) VALUES (?, 'test')");
  audit.run(now - 1096 * day);
  audit.run(now - 1000 * day);

  db.prepare("INSERT INTO api_tokens (id, user_id, created_at, expires_at, user_agent) VALUES (?, ?, ?, ?, '')").run('expired-token', userId, now - 40 * day, now - day);
  db.prepare("INSERT INTO api_tokens (id, user_id, created_at, expires_at, user_agent) VALUES (?, ?, ?, ?, '')").run('live-token', userId, now - day, now + day);

  // Throttle attempts: one from two days ago (no window reaches it), one from a minute ago.
  const hit = db.prepare('INSERT INTO throttle_hits (key, at_ms) VALUES (?, ?)');
  hit.run('login:account:500000001', (now - 2 * day) * 1000);
  hit.run('login:account:500000001', (now - 60) * 1000);

  // Grants of readings without logging in: one expired a minute ago, one live.
  const account = seedAccount(db);
  const grant = db.prepare('INSERT INTO reading_grants (token_hash, account_id, meter_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?)');
  grant.run('expired-grant', account.id, account.meterId, now - 960, now - 60);
  grant.run('live-grant', account.id, account.meterId, now - 60, now + 840);

  const counts = world.retention.purge();
  assert.equal(counts, { sessions: 2, operatorSessions: 0, codes: 2, outbox: 1, audit: 1, apiTokens: 1, challenges: 0, throttleHits: 1, readingGrants: 1, paymentEmails: 0 });
  assert.equal(db.prepare('SELECT token_hash FROM reading_grants').pluck().all(), ['live-grant']);
  assert.equal(db.prepare('SELECT id FROM api_tokens').pluck().all(), ['live-token']);
  assert.equal(db.prepare('SELECT id FROM sessions').pluck().all(), ['live']);
  assert.is(count(db, 'one_time_codes'), 2);
  assert.equal(db.prepare('SELECT dedupe_key FROM outbox ORDER BY id').pluck().all(), ['recent-sent', 'old-unsent'], 'unsent letters are never purged');
  assert.is(count(db, 'outbox_attachments'), 2, 'the purged letter took its attachment with it');
  assert.is(count(db, 'audit_log'), 1);
  assert.equal(world.retention.purge(), { sessions: 0, operatorSessions: 0, codes: 0, outbox: 0, audit: 0, apiTokens: 0, challenges: 0, throttleHits: 0, readingGrants: 0, paymentEmails: 0 }, 'a second run finds nothing');
});

test('the receipt e-mail of a payment older than PAYMENT_EMAIL_KEEP_DAYS is cleared, in chunks; the payment stays', (world) => {
  const { db, accountId } = world;
  const now = nowSeconds(world.clock);
  const insert = db.prepare("INSERT INTO payments (account_id, order_number, amount_kopecks, channel, status, email, created_at, updated_at) VALUES (?, ?, 10000, 'card', 'paid', ?, ?, ?)");
  db.transaction(() => {
    for (let i = 0; i < 1500; i++) insert.run(accountId, `old-${i}`, 'old@example.ru', now - 2193 * day, now - 2193 * day);
    insert.run(accountId, 'kept', 'kept@example.ru', now - 2191 * day, now - 2191 * day);
    insert.run(accountId, 'recent', 'recent@example.ru', now - day, now - day);
  })();
  // The statement the job runs, read from db/ops/retention.ts.
  const sql = dbStatements().find((s) => s.file === 'db/ops/retention.ts' && s.fn === 'clearOldPaymentEmails')!.sql!;
  const plan = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(now).map((row) => (row as { detail: string }).detail).join('; ');
  assert.match(plan, /USING INDEX payments_with_email/, plan);
  assert.is(world.retention.purge().paymentEmails, 1500);
  assert.is(db.prepare("SELECT count(*) FROM payments WHERE order_number LIKE 'old-%' AND email IS NULL").pluck().get(), 1500, 'the payments themselves are kept');
  assert.equal(db.prepare('SELECT email FROM payments WHERE email IS NOT NULL ORDER BY created_at').pluck().all(), ['kept@example.ru', 'recent@example.ru']);
  assert.is(world.retention.purge().paymentEmails, 0);
});

test('deletes in chunks: more than one chunk of expired sessions all go', (world) => {
  const now = nowSeconds(world.clock);
  const insert = world.db.prepare("INSERT INTO sessions (id, user_id, created_at, last_seen_at) VALUES (?, ?, ?, ?)");
  world.db.transaction(() => {
    for (let i = 0; i < 2500; i++) insert.run(`s${i}`, world.userId, now - 2 * day, now - 2 * day);
  })();
  assert.is(world.retention.purge().sessions, 2500);
});

test('npm run purge runs beside the app and reports what it deleted', (world) => {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/purge.ts'], {
    env: { PATH: process.env.PATH, NODE_ENV: 'test', DATABASE_PATH: join(world.dir, 'svet.db') },
    encoding: 'utf8',
    timeout: 30_000,
  });
  assert.is(result.status, 0, result.stderr);
  assert.ok('deleted' in JSON.parse(result.stdout));
});

test.run();
