// What a customer's page, POST or API call asks the database is answered through a key, in the
// order it needs: the query plan of every db/ function (read from the code, so a new one is
// checked without being listed here) has no SCAN of a table, no correlated subquery, no sort of
// more rows than the page shows, and a min() or max() reads one end of an index. Checked on an
// empty schema (how the app runs: it never ANALYZEs) and on a filled one after ANALYZE.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openDatabase, type Db } from '../../db/connection.ts';
import { historyQueries } from '../../db/history/history.ts';
import { dbStatements, type DbStatement } from '../helpers/db-statements.ts';
import { seedAccount, seedReading, seedTariffs } from '../helpers/fixtures.ts';

/** Functions no customer request runs (scripts, timers, the operators' and developers' pages): no rule applies. */
const offCustomerPath: Record<string, string> = {
  'db/bulk.ts': 'the demo generator',
  'db/billing/exchange.ts': 'the billing import and export scripts',
  'db/ops/retention.ts': 'the retention timer, one bounded chunk a statement',
  'db/bills/bills.ts listBillRecipients': 'the send-bills job, paging through accounts by id',
  'db/notices/notices.ts listReminderRecipients': 'the reading reminders timer and send-reminders script, paging through users by account id (a seek per user for its reading and its log row)',
  'db/notices/notices.ts listDebtCandidates': "the close-period script's debt notices, paging through users by account id (a seek per user for its log row and its account's charges)",
  'db/ops/audit.ts listAuditEntries': "the operators' audit log page",
  'db/support/support.ts searchAccounts': "the operators' search; a piece of an address needs a full-text index",
  'db/platform/outbox.ts listRecentOutboxMessages': "the developers' mailbox page, off in production",
};

/** Sorts whose rows are all on the page anyway (a user's few sessions, a request's attachments). */
const sortsOnlyWhatThePageShows: Record<string, string> = {
  'db/accounts/settings.ts listUserSessions': "a user's sessions, all listed on Настройки",
  'db/auth/users.ts listUserLinks': "a user's accounts, all in the switcher",
  'db/auth/devices.ts listDevicePasskeys': "a device's passkeys, all offered to the browser",
  'db/history/history.ts meterZonesOf': "an account's meters, a handful in its lifetime",
  'db/support/support.ts listRequestAttachments': "a request's attachments, all shown with it",
};

/** The parts of statements built at run time, as the plan is checked with them. */
const runTimeSamples: Record<string, Record<string, string>> = {};

const exempt = (table: Record<string, string>, s: DbStatement) => `${s.file} ${s.fn}` in table || s.file in table;

/** A sample for each parameter, chosen by the column it is compared with (or its name). */
function sampleArguments(sql: string): unknown[] {
  const sample = (key: string): string | number =>
    /period/.test(key) ? '2026-01' : /(_at|^at|now|before|after)$/.test(key) ? 1_790_000_000 : /status/.test(key) ? 'review' : /number/.test(key) ? '600000001' : 1;
  const named: Record<string, unknown> = {};
  const positional: unknown[] = [];
  const tokens = /'(?:[^']|'')*'|\?\d*|[@:$]\w+/g;
  for (let match = tokens.exec(sql); match; match = tokens.exec(sql)) {
    if (match[0].startsWith("'")) continue;
    if (match[0] !== '?') {
      named[match[0].slice(1)] = sample(match[0].slice(1));
      continue;
    }
    const before = sql.slice(0, match.index);
    const column = /(\w+)\s*(?:=|<>|<=|>=|<|>|\bIN\s*\(|\bLIKE|\bGLOB|\bBETWEEN)\s*$/i.exec(before) ?? /(\w+)\s+BETWEEN\s+\?\s+AND\s*$/i.exec(before);
    positional.push(sample(column?.[1] ?? ''));
  }
  return Object.keys(named).length > 0 ? [named] : positional;
}

function planOf(db: Db, sql: string): string[] {
  return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...sampleArguments(sql)) as { detail: string }[]).map((row) => row.detail);
}

/** The plan lines that read a whole table or index (a table-valued function like json_each is not a table). */
function fullScans(plan: string[]): string[] {
  return plan.filter((line) => /^SCAN\b/.test(line) && !/^SCAN CONSTANT ROW|VIRTUAL TABLE/.test(line));
}

/**
 * Whole-result sorts. "LAST n TERMS OF ORDER BY" is not one: the rows come in key order for the
 * leading terms and only those that tie on them (a submission's zones, a month's bands) are sorted.
 */
const fullSorts = (plan: string[]) => plan.filter((line) => /^USE TEMP B-TREE/.test(line) && !/LAST (TERM|\d+ TERMS) OF ORDER BY/.test(line));

/** The columns of an index in order, or of the table's primary key. */
function indexColumns(db: Db, table: string, index: string | null): string[] {
  const name = index ?? (db.pragma(`index_list(${table})`) as { name: string; origin: string }[]).find((row) => row.origin === 'pk')?.name;
  return name ? (db.pragma(`index_info(${name})`) as { name: string }[]).map((row) => row.name) : [];
}

/**
 * For `SELECT min(c)` or `max(c)` of one table: the index searched must hold c right after the
 * columns fixed by `=`, so the answer is the first or last entry of the range. Returns what is wrong.
 */
function minMaxProblem(db: Db, sql: string, plan: string[]): string | null {
  const aggregate = /^\s*SELECT\s+(?:coalesce\(\s*)?(?:min|max)\((\w+)\)[^,]*\bFROM\s+(\w+)/i.exec(sql);
  if (!aggregate || /\bJOIN\b|\bGROUP BY\b/i.test(sql)) return null;
  const search = plan.map((line) => /^SEARCH \w+ USING (?:COVERING )?(?:INDEX (\w+)|PRIMARY KEY) \(([^)]*)\)/.exec(line)).find(Boolean);
  if (!search) return null;
  const fixed = search[2].split(' AND ').filter((term) => /^\w+=\?$/.test(term)).length;
  const next = indexColumns(db, aggregate[2], search[1] ?? null)[fixed];
  return next === aggregate[1] ? null : `${aggregate[1]} is not next in the index after its ${fixed} fixed column(s) (next: ${next})`;
}

/** Every rule a statement breaks, as lines for the failure message. */
function problems(db: Db, statement: DbStatement & { sql: string }): string[] {
  const plan = planOf(db, statement.sql);
  const found = [
    ...fullScans(plan).map((line) => `reads a whole table: ${line}`),
    ...plan.filter((line) => /CORRELATED/.test(line)).map((line) => `runs a subquery per row: ${line}`),
    ...(exempt(sortsOnlyWhatThePageShows, statement) ? [] : fullSorts(plan).map((line) => `sorts the whole result: ${line}`)),
  ];
  const minMax = minMaxProblem(db, statement.sql, plan);
  if (minMax) found.push(minMax);
  return found.length === 0 ? [] : [`${statement.file} ${statement.fn}: ${found.join('; ')}\n    ${statement.sql.replace(/\s+/g, ' ')}\n    ${plan.join('\n    ')}`];
}

function checkAll(db: Db): void {
  const statements = dbStatements(runTimeSamples).filter((s) => !exempt(offCustomerPath, s));
  assert.equal(statements.filter((s) => s.sql === null).map((s) => `${s.file} ${s.fn}: ${s.unresolved}`), [], 'SQL built at run time needs a sample in runTimeSamples');
  assert.ok(statements.length > 100, `the code yields the statements (${statements.length})`);
  assert.equal(statements.flatMap((s) => problems(db, s as DbStatement & { sql: string })), []);
}

function fill(db: Db): void {
  seedTariffs(db);
  db.transaction(() => {
    for (let i = 0; i < 300; i++) {
      const account = seedAccount(db, { number: String(600000000 + i), zones: 2 });
      for (let m = 1; m <= 12; m++) {
        const period = `2026-${String(m).padStart(2, '0')}`;
        for (const zone of [1, 2]) seedReading(db, { accountId: account.id, meterId: account.meterId!, period, seq: 2 * m, zone, value: 100 * m });
        seedReading(db, { accountId: account.id, meterId: account.meterId!, period, seq: 2 * m - 1, value: 90 * m, status: 'replaced' });
        db.prepare(`INSERT INTO charges (account_id, period, basis, kwh, amount_kopecks, source, due_on, closed_at) VALUES (?, ?, 'readings', 100, 70000, 'computed', ?, 0)`).run(account.id, period, `${period}-28`);
        db.prepare('INSERT INTO charge_lines (account_id, period, zone, band, kwh, kopecks_per_kwh, amount_kopecks) VALUES (?, ?, 1, 1, 100, 700, 70000)').run(account.id, period);
        db.prepare("INSERT INTO payments (account_id, order_number, amount_kopecks, channel, status, created_at, updated_at) VALUES (?, ?, 70000, 'bank', 'paid', ?, ?)").run(account.id, `P${i}-${m}`, 1_767_000_000 + m * 2_600_000, 1_767_000_000);
        db.prepare("INSERT INTO ledger (account_id, seq, at, kind, period, amount_kopecks) VALUES (?, ?, ?, 'charge', ?, 70000)").run(account.id, m, 1_767_000_000 + m * 2_600_000, period);
      }
    }
  })();
  db.exec('ANALYZE');
}

test('no customer-path statement scans, correlates or sorts beyond the page (empty schema)', () => {
  const db = openDatabase(':memory:');
  checkAll(db);
  db.close();
});

test('no customer-path statement scans, correlates or sorts beyond the page (filled, after ANALYZE)', () => {
  const db = openDatabase(':memory:');
  fill(db);
  checkAll(db);
  db.close();
});

test('every История query starts from the account', () => {
  const db = openDatabase(':memory:');
  for (const [name, sql] of Object.entries(historyQueries)) {
    const plan = planOf(db, sql);
    assert.ok(plan.some((line) => /^SEARCH \w+ USING .*\(account_id=/.test(line)), `${name} searches by account:\n  ${plan.join('\n  ')}`);
  }
  db.close();
});

test('the checks catch what they are for', () => {
  const db = openDatabase(':memory:');
  const statement = (sql: string) => ({ file: 'db/x.ts', fn: 'x', sql });
  assert.is(problems(db, statement("SELECT count(*) FROM readings WHERE value > 5")).length, 1, 'a scan');
  assert.match(problems(db, statement("SELECT count(*) FROM readings WHERE status = 'accepted'"))[0] ?? '', 'reads a whole table', 'a scan of a whole index');
  // lastAcceptedReadings and nextReadingSeq as they were before migration 0008.
  const correlated = `SELECT value FROM readings r WHERE account_id = ? AND period < ? AND status = 'accepted'
    AND seq = (SELECT max(seq) FROM readings x WHERE x.account_id = r.account_id AND x.period < ? AND x.zone = r.zone AND x.status = 'accepted') ORDER BY zone`;
  assert.match(problems(db, statement(correlated))[0] ?? '', /runs a subquery per row.*sorts the whole result/);
  assert.match(problems(db, statement('SELECT max(value) AS v FROM readings WHERE account_id = ?'))[0] ?? '', 'value is not next in the index');
  assert.equal(problems(db, statement('SELECT max(seq) AS seq FROM readings WHERE account_id = ?')), []);
  // Every exemption names code that exists, so a stale one is noticed.
  const names = new Set(dbStatements(runTimeSamples).flatMap((s) => [s.file, `${s.file} ${s.fn}`]));
  const stale = [...Object.keys(offCustomerPath), ...Object.keys(sortsOnlyWhatThePageShows), ...Object.keys(runTimeSamples)].filter((key) => !names.has(key));
  assert.equal(stale, []);
  db.close();
});

test.run();
