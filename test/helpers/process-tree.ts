/**
 * The processes below a PID, read from /proc (Linux): what `ps` shows, without parsing `ps`. Tests
 * of `npm start` use it to find the processes to signal and to prove that none is left running.
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcessInfo {
  pid: number;
  ppid: number;
  pgid: number;
  command: string;
}

/** One process, or undefined once it has exited. */
export function readProcess(pid: number): ProcessInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may contain spaces and parentheses: the fields follow the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z') return undefined; // a zombie has exited; only its parent has to reap it
    const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
    return { pid, ppid: Number(fields[1]), pgid: Number(fields[2]), command };
  } catch {
    return undefined; // gone between the listing and the read
  }
}

function allProcesses(): ProcessInfo[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map((name) => readProcess(Number(name)))
    .filter((info): info is ProcessInfo => info !== undefined);
}

/** Every live descendant of `root` (children, grandchildren, …), `root` excluded. */
export function descendants(root: number): ProcessInfo[] {
  const all = allProcesses();
  const found: ProcessInfo[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const parent = queue.shift()!;
    for (const info of all.filter((p) => p.ppid === parent)) {
      found.push(info);
      queue.push(info.pid);
    }
  }
  return found;
}

/** True while `pid` runs (a zombie counts as gone). */
export function isRunning(pid: number): boolean {
  return readProcess(pid) !== undefined;
}

/** Polls until every PID is gone; resolves with those still running when time runs out. */
export async function waitGone(pids: number[], timeoutMs: number): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = pids.filter(isRunning);
    if (left.length === 0 || Date.now() > deadline) return left;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
