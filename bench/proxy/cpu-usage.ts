/**
 * CPU time a process and its descendants (cluster workers, nginx workers) spend, from /proc:
 * divided by the requests served it gives CPU per request, a figure that moves far less with
 * other load on a shared machine than requests/s. Undefined where /proc is missing.
 */
import { readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

function descendants(pid: number): number[] {
  let children: number[] = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [pid];
  }
  return [pid, ...children.flatMap(descendants)];
}

/** User + system CPU seconds of `pid` and everything below it, or undefined without /proc. */
export function cpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  let ticks = 0;
  try {
    for (const p of descendants(pid)) {
      const fields = readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    }
  } catch {
    return undefined;
  }
  return ticks / TICKS_PER_SECOND;
}

/**
 * The whole machine's CPU seconds so far (all cores; `busy` excludes idle and I/O wait), from
 * /proc/stat, or undefined without it: a window's share of the machine a process got is its CPU
 * seconds over the window's `total`, and what everything else took is `busy` minus that.
 */
export function machineSeconds(): { busy: number; total: number } | undefined {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
    const [user, nice, system, idle, iowait, irq, softirq, steal] = fields.slice(1).map(Number);
    const busy = user! + nice! + system! + irq! + softirq! + steal!;
    return { busy: busy / TICKS_PER_SECOND, total: (busy + idle! + iowait!) / TICKS_PER_SECOND };
  } catch {
    return undefined;
  }
}
