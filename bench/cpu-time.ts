// CPU time from /proc (Linux), in clock ticks of 1/100 s: of one process, of a process with all its
// descendants (the cluster's workers), and of the whole machine, busy and in all.
import { readFileSync, readdirSync } from 'node:fs';
import { cpus } from 'node:os';

export const ticksPerSecond = 100;

/** User plus system CPU time of a process (all its threads). */
export function cpuTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

function childrenOf(pid: number): number[] {
  return readdirSync(`/proc/${pid}/task`).flatMap((task) =>
    readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').split(' ').filter(Boolean).map(Number),
  );
}

/** A process and its descendants now: a process gone by the time it is read counts as 0. */
export function treeTicks(pid: number): number {
  try {
    return cpuTicks(pid) + childrenOf(pid).reduce((sum, child) => sum + treeTicks(child), 0);
  } catch {
    return 0;
  }
}

/** The machine since boot: busy (all but idle and iowait) and all ticks, over every core. */
export function machineTicks(): { busy: number; all: number } {
  const [, ...numbers] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = numbers.map(Number);
  return { busy: user + nice + system + irq + softirq + steal, all: user + nice + system + idle + iowait + irq + softirq + steal };
}

export const coreCount = cpus().length;
