// Reads a V8 .cpuprofile (node --cpu-prof) and sums each function's self time: the time samples
// spent in the function itself, not in what it called.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

type ProfileNode = { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number } };
type CpuProfile = { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };

export type SelfTime = { name: string; file: string; ms: number; share: number };

const projectRoot = fileURLToPath(new URL('..', import.meta.url));

/** 'services/billing/readings.ts', 'node_modules/ejs/lib/ejs.js', 'node:internal/…', or '(native)'. */
function fileOf(url: string): string {
  if (!url) return '(native)';
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  return path.startsWith('/') ? relative(projectRoot, path) : path;
}

export function selfTimes(path: string): SelfTime[] {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const totals = new Map<string, SelfTime>();
  let all = 0;
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id)!.callFrame;
    const name = frame.functionName || '(anonymous)';
    const file = fileOf(frame.url);
    const key = `${name}\0${file}:${frame.lineNumber}:${frame.columnNumber}`;
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    all += ms;
    const entry = totals.get(key) ?? { name, file, ms: 0, share: 0 };
    entry.ms += ms;
    totals.set(key, entry);
  });
  return [...totals.values()].map((entry) => ({ ...entry, share: entry.ms / all })).sort((a, b) => b.ms - a.ms);
}

/** The top functions by self time, and the same summed by file. */
export function printSelfTimes(times: SelfTime[], top = 15): void {
  const idle = new Set(['(idle)', '(program)', '(garbage collector)']);
  console.log('Функции с наибольшим собственным временем (self time):');
  for (const t of times.slice(0, top)) console.log(`${(t.share * 100).toFixed(1).padStart(5)} %  ${t.name.padEnd(36)}  ${t.file}`);
  const files = new Map<string, number>();
  for (const t of times) if (!idle.has(t.name)) files.set(t.file, (files.get(t.file) ?? 0) + t.share);
  console.log('\nПо файлам (без простоя и сборки мусора):');
  for (const [file, share] of [...files].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${(share * 100).toFixed(1).padStart(5)} %  ${file}`);
}
