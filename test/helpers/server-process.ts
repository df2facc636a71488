// The real server.ts as a child process (`node --import tsx server.ts`: one process, so a signal
// reaches the server itself), for tests of what only a whole process shows: SIGTERM, SIGKILL.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export type ServerProcess = { child: ChildProcess; output: string[]; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> };

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Starts server.ts with exactly `env` and resolves once /healthz answers 200. */
export async function startServerProcess(env: NodeJS.ProcessEnv, baseUrl: string, timeoutMs = 20_000): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  child.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the server exited: ${output.join('')}`);
    const ok = await fetch(`${baseUrl}/healthz`).then((r) => r.status === 200, () => false);
    if (ok) return { child, output, exited };
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the server did not start: ${output.join('')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function killServerProcess(server: ServerProcess | null, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (!server || server.child.exitCode !== null || server.child.signalCode !== null) return;
  server.child.kill(signal);
  await server.exited;
}

/** The environment and address of a child server on a free port with the given database; `extra` adds settings. */
export async function childServerEnv(databasePath: string, extra: Record<string, string> = {}): Promise<{ env: NodeJS.ProcessEnv; baseUrl: string }> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const env = { PATH: process.env.PATH, NODE_ENV: 'test', PORT: String(port), BASE_URL: baseUrl, DATABASE_PATH: databasePath, DEMO_DATA: '0', ...extra };
  return { env, baseUrl };
}

/** The pids of a cluster's workers, from the primary's "worker started" log lines (LOG_LEVEL=info). */
export function startedWorkers(output: string[]): number[] {
  return output
    .join('')
    .split('\n')
    .filter((line) => line.startsWith('{') && line.includes('"worker started"'))
    .map((line) => (JSON.parse(line) as { worker: number }).worker);
}

/** Which of these processes still run. */
export function stillRunning(pids: number[]): number[] {
  return pids.filter((pid) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  });
}
