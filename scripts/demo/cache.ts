// Generated demo databases kept under .cache/demo, built once by the CLI in a child process.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GENERATOR_VERSION } from './generate.ts';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
const cli = fileURLToPath(new URL('../generate-demo.ts', import.meta.url));

/** Cached sets use a fixed reference day, so they are the same on every machine: a test can set its clock to it. */
export const cachedReferenceDay = '2026-11-15';

/** The path of the demo database with this many accounts and years, generated first if missing. */
export function cachedDemoDatabase(accounts: number, years: number): string {
  const path = join(projectRoot, '.cache', 'demo', `svet-demo-a${accounts}-y${years}-v${GENERATOR_VERSION}.db`);
  if (existsSync(path)) return path;
  mkdirSync(join(projectRoot, '.cache', 'demo'), { recursive: true });
  // A crash leaves only the temporary file, never a half-filled database under the final name.
  const temporary = `${path}.${process.pid}.tmp`;
  const removeTemporary = () => ['', '-wal', '-shm'].forEach((suffix) => rmSync(temporary + suffix, { force: true }));
  removeTemporary();
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', cli, '--accounts', String(accounts), '--years', String(years), '--reference', cachedReferenceDay, '--out', temporary],
    { cwd: projectRoot, stdio: ['ignore', 2, 2], env: { ...process.env, NODE_ENV: 'development' } },
  );
  if (result.status !== 0) {
    removeTemporary();
    throw new Error(`Demo data generation failed (${result.error?.message ?? `exit ${result.status}`})`);
  }
  renameSync(temporary, path);
  return path;
}
