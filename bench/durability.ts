// npm run bench:durability [-- --commits 3000]: the cost of synchronous=FULL against NORMAL (both
// WAL), measured in the same run on the same disk: single-row commits, and commits shaped like a
// reading submission (a few rows and an audit entry in one transaction).
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { commits: { type: 'string', default: '3000' }, dir: { type: 'string' } } });
const commits = Number(values.commits);

type Row = { mode: string; shape: string; perSecond: number; p50: number; p99: number };

function measure(dir: string, synchronous: 'FULL' | 'NORMAL', shape: 'single row' | 'reading-like'): Row {
  const path = join(dir, `${synchronous}-${shape.replace(/\W/g, '')}.db`);
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  db.exec('CREATE TABLE r (account INTEGER, seq INTEGER, zone INTEGER, value INTEGER, at INTEGER, PRIMARY KEY (account, seq, zone)) WITHOUT ROWID');
  db.exec('CREATE TABLE a (id INTEGER PRIMARY KEY, at INTEGER, event TEXT, detail TEXT)');
  const reading = db.prepare('INSERT INTO r VALUES (?, ?, ?, ?, ?)');
  const audit = db.prepare("INSERT INTO a (at, event, detail) VALUES (?, 'reading.submit', ?)");
  const single = db.transaction((i: number) => reading.run(i % 1000, i, 1, i, i));
  const readingLike = db.transaction((i: number) => {
    for (let zone = 1; zone <= 2; zone++) reading.run(i % 1000, i, zone, i, i);
    audit.run(i, JSON.stringify({ seq: i }));
  });
  const run = shape === 'single row' ? single : readingLike;
  for (let i = 0; i < 100; i++) run(-1 - i); // warm-up
  const times: number[] = [];
  const started = process.hrtime.bigint();
  for (let i = 0; i < commits; i++) {
    const t = process.hrtime.bigint();
    run(i);
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  db.close();
  times.sort((x, y) => x - y);
  return { mode: `WAL + ${synchronous}`, shape, perSecond: commits / seconds, p50: times[Math.floor(times.length * 0.5)], p99: times[Math.floor(times.length * 0.99)] };
}

const dir = mkdtempSync(join(values.dir ?? tmpdir(), 'svet-durability-'));
try {
  const rows: Row[] = [];
  // Interleaved, so a disk that slows down over the run affects both modes alike.
  for (const shape of ['single row', 'reading-like'] as const) for (const mode of ['NORMAL', 'FULL'] as const) rows.push(measure(dir, mode, shape));
  console.log(`${commits} commits each, Node ${process.version}, ${dir}`);
  console.log('mode             shape          commits/s   p50 ms   p99 ms');
  for (const row of rows) console.log(`${row.mode.padEnd(16)} ${row.shape.padEnd(13)} ${row.perSecond.toFixed(0).padStart(10)} ${row.p50.toFixed(3).padStart(8)} ${row.p99.toFixed(3).padStart(8)}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
