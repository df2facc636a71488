// Every История query reads one account's rows through a key that starts with account_id: the
// query plan may SEARCH, never SCAN a whole table. Checked on an empty schema and, so the planner
// has statistics to go by, again after ANALYZE on a filled one.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openDatabase, type Db } from '../../db/connection.ts';
import { historyQueries } from '../../db/history/history.ts';
import { seedAccount, seedReading, seedTariffs } from '../helpers/fixtures.ts';

/** Sample arguments by the parameter's place: account id, then periods or times as the SQL expects. */
function sampleArguments(sql: string): (string | number)[] {
  const args: (string | number)[] = [];
  const placeholders = sql.match(/(?:period|created_at|at|account_id)\s*(?:=|>=|<|BETWEEN)\s*\?(?:\s*AND\s*\?)?/g) ?? [];
  for (const match of placeholders) {
    const count = (match.match(/\?/g) ?? []).length;
    const value = match.startsWith('period') ? '2026-01' : match.startsWith('account_id') ? 1 : 1_790_000_000;
    for (let i = 0; i < count; i++) args.push(value);
  }
  assert.is(args.length, (sql.match(/\?/g) ?? []).length, `every parameter of ${sql} has a sample`);
  return args;
}

/** The plan lines that read a whole table: SCAN <table> without an index or the primary key. */
export function fullScans(db: Db, sql: string): string[] {
  const plan = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...sampleArguments(sql)) as { detail: string }[];
  return plan.map((row) => row.detail).filter((detail) => /^SCAN\b/.test(detail) && !/CONSTANT ROW/.test(detail) && !/USING (COVERING )?INDEX|USING PRIMARY KEY|USING INTEGER PRIMARY KEY/.test(detail));
}

function checkAll(db: Db, when: string): void {
  const names = Object.keys(historyQueries) as (keyof typeof historyQueries)[];
  assert.ok(names.length >= 10);
  for (const name of names) {
    const sql = historyQueries[name];
    const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...sampleArguments(sql)) as { detail: string }[]).map((r) => r.detail);
    assert.equal(fullScans(db, sql), [], `${when}: ${name} scans a table:\n  ${plan.join('\n  ')}`);
    assert.ok(plan.some((line) => /^SEARCH \w+ USING .*(account_id|PRIMARY KEY)/.test(line)), `${when}: ${name} searches by account:\n  ${plan.join('\n  ')}`);
  }
}

test('no history query scans a table (empty schema)', () => {
  const db = openDatabase(':memory:');
  checkAll(db, 'empty');
  db.close();
});

test('no history query scans a table (filled, after ANALYZE)', () => {
  const db = openDatabase(':memory:');
  seedTariffs(db);
  db.transaction(() => {
    for (let i = 0; i < 300; i++) {
      const account = seedAccount(db, { number: String(600000000 + i) });
      for (let m = 1; m <= 12; m++) {
        const period = `2026-${String(m).padStart(2, '0')}`;
        seedReading(db, { accountId: account.id, meterId: account.meterId!, period, seq: m, value: 100 * m });
        db.prepare(`INSERT INTO charges (account_id, period, basis, kwh, amount_kopecks, source, due_on, closed_at) VALUES (?, ?, 'readings', 100, 70000, 'computed', ?, 0)`).run(account.id, period, `${period}-28`);
        db.prepare('INSERT INTO charge_lines (account_id, period, zone, band, kwh, kopecks_per_kwh, amount_kopecks) VALUES (?, ?, 1, 1, 100, 700, 70000)').run(account.id, period);
        db.prepare("INSERT INTO payments (account_id, order_number, amount_kopecks, channel, status, created_at, updated_at) VALUES (?, ?, 70000, 'bank', 'paid', ?, ?)").run(account.id, `P${i}-${m}`, 1_767_000_000 + m * 2_600_000, 1_767_000_000);
        db.prepare("INSERT INTO ledger (account_id, seq, at, kind, period, amount_kopecks) VALUES (?, ?, ?, 'charge', ?, 70000)").run(account.id, m, 1_767_000_000 + m * 2_600_000, period);
      }
    }
  })();
  db.exec('ANALYZE');
  checkAll(db, 'filled');
  // The check itself catches a scan.
  assert.equal(fullScans(db, "SELECT count(*) FROM readings WHERE status = 'accepted'").length, 1);
  db.close();
});

test.run();
