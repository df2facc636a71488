// Runs the uvu suites over TypeScript and ends with the plain line CI reads: "N passed, N failed".
import { spawn } from 'node:child_process';

const filter = process.argv[2] ?? '\\.test\\.ts$';
const started = Date.now();
const child = spawn(process.execPath, ['node_modules/uvu/bin.js', '-r', 'tsx', 'test', filter], {
  env: { ...process.env, NO_COLOR: '1', NODE_ENV: 'test' },
  stdio: ['ignore', 'pipe', 'inherit'],
});

let output = '';
child.stdout.on('data', (chunk: Buffer) => {
  output += chunk.toString();
  process.stdout.write(chunk);
});

child.on('close', (code) => {
  const count = (label: string) => Number(new RegExp(`${label}:\\s+(\\d+)`).exec(output)?.[1] ?? 0);
  const total = count('Total');
  const passed = count('Passed');
  const skipped = count('Skipped');
  const failed = Math.max(total - passed - skipped, code === 0 ? 0 : 1);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`\nSuite time: ${seconds} s`);
  console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  process.exit(failed > 0 || passed === 0 ? 1 : 0);
});
