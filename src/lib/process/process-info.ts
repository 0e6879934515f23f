/**
 * What can be known about another process from its PID alone: whether it still runs and which
 * command it runs. `npm start` uses it to tell a live owner of a lock file from a stale one (a
 * PID can be reused by an unrelated program after a crash or a reboot).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { waitFor } from './wait-for.js';

/** True while `pid` runs; EPERM means it runs under another user; a zombie has exited. */
export function isAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !isZombie(pid);
}

function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false; // no /proc (macOS): kill(0) is all there is
  }
}

/** The command line of `pid` (/proc on Linux, `ps` elsewhere); undefined when unknowable. */
export function commandLine(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    // no /proc here (macOS), or the process is gone: ask ps, which knows both cases
  }
  try {
    const out = execFileSync('ps', ['-o', 'command=', '-p', String(pid)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return out.trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Polls until `pid` is gone; false if it still runs after `timeoutMs`. */
export function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  return waitFor(() => !isAlive(pid), timeoutMs);
}

/**
 * Polls until `pid` no longer exists at all, zombie included; false if it is still there after
 * `timeoutMs`. A process that exited but that its parent has not reaped yet still answers
 * kill(pid, 0), and some programs (PostgreSQL's lock-file check) take that as "running".
 */
export function waitForReaped(pid: number, timeoutMs: number): Promise<boolean> {
  return waitFor(() => !exists(pid), timeoutMs);
}

function exists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
