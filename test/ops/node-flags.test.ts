// The server runs with the same node flags however it is started: `npm start`, the README's
// systemd unit, and the benchmarks (which measure what production runs).
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { serverNodeFlags } from '../../bench/children.ts';

const packageJson = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
const unitLine = /^ExecStart=\/usr\/bin\/node (.*) --import tsx server\.ts$/m.exec(readFileSync('README.md', 'utf8'));

test('the bench gives its servers at least one flag', () => {
  assert.ok(serverNodeFlags.length > 0);
});

test('npm start gives node the bench’s flags', () => {
  assert.is(packageJson.scripts.start, `tsx ${serverNodeFlags.join(' ')} server.ts`);
});

test('the README’s systemd unit gives node the bench’s flags', () => {
  assert.ok(unitLine, 'README has the ExecStart line of svet.service');
  assert.is(unitLine[1], serverNodeFlags.join(' '));
});

test.run();
