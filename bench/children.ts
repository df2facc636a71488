// Servers under test run as child processes, so the load generator does not share their CPU time.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const projectRoot = fileURLToPath(new URL('..', import.meta.url));

export type Child = { name: string; process: ChildProcess; output: string[] };

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * Node's flags for a server, as `npm start` and the README's systemd unit give them: a young
 * generation of 32 MB a half (V8's default is 16 MB) collects a page's short-lived objects less
 * often (measured: Главная +7 % requests per second, ~+50 MB resident).
 */
export const serverNodeFlags = ['--max-semi-space-size=32'];

/**
 * Every server here runs with serverNodeFlags; `nodeArgs` go to node as well, before the script (e.g.
 * --cpu-prof). `place.cwd`: another checkout to run from; `place.cpu`: the one core it may use (taskset).
 */
export function startChild(name: string, script: string, args: string[], env: NodeJS.ProcessEnv, nodeArgs: string[] = [], place: { cwd?: string; cpu?: number } = {}): Child {
  const command = [process.execPath, ...serverNodeFlags, ...nodeArgs, '--import', 'tsx', script, ...args];
  const pinned = place.cpu === undefined ? command : ['taskset', '-c', String(place.cpu), ...command];
  const child = spawn(pinned[0], pinned.slice(1), { cwd: place.cwd ?? projectRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  return { name, process: child, output };
}

/** Resolves when `url` answers 200; rejects if the child exits first or a minute passes. */
export async function waitUntilServing(child: Child, url: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.process.exitCode !== null) throw new Error(`${child.name} exited with ${child.process.exitCode}:\n${child.output.join('')}`);
    const status = await fetch(url).then((response) => response.status, () => 0);
    if (status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${child.name} did not answer ${url} within a minute:\n${child.output.join('')}`);
}

export async function stopChild(child: Child): Promise<void> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return;
  const exited = new Promise((resolve) => child.process.once('exit', resolve));
  child.process.kill('SIGTERM');
  const timer = setTimeout(() => child.process.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}
