/**
 * One `npm start` per DATA_DIR. The running one records its PID and where it answers in
 * DATA_DIR/npm-start.json, so a second one can say "already running, here" and stop before it
 * touches a port or the database (it used to print its banner because the first stack answered,
 * then fail on EADDRINUSE). A file whose process is gone (kill -9, a crash) is taken over.
 */
import { readFileSync, unlinkSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { commandLine, isAlive } from '../lib/process/process-info.js';

export interface StackLockHolder {
  pid: number;
  startedAt: string;
  /** Banner lines: the URLs the running stack answers on. */
  where: string[];
}

export type StackLock =
  { acquired: true; release(): void } | { acquired: false; holder: StackLockHolder };

export const STACK_LOCK_FILE = 'npm-start.json';

export async function acquireStackLock(dataDir: string, where: string[]): Promise<StackLock> {
  const file = path.resolve(dataDir, STACK_LOCK_FILE);
  await mkdir(path.dirname(file), { recursive: true });
  const mine: StackLockHolder = { pid: process.pid, startedAt: new Date().toISOString(), where };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(file, `${JSON.stringify(mine, null, 2)}\n`, { flag: 'wx' });
      return { acquired: true, release: () => releaseIfMine(file) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = await readHolder(file);
    if (holder && isAlive(holder.pid) && runsStart(holder.pid)) return { acquired: false, holder };
    await rm(file, { force: true }); // its npm start is gone: the file is stale
  }
  throw new Error(`${file} keeps reappearing: is another npm start starting right now?`);
}

/** The holder's PID may have been reused by another program after a crash. */
function runsStart(pid: number): boolean {
  const command = commandLine(pid);
  return command === undefined || /cli[/\\]start\.[jt]s/.test(command);
}

async function readHolder(file: string): Promise<StackLockHolder | undefined> {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as Partial<StackLockHolder>;
    if (typeof parsed.pid !== 'number') return undefined;
    return { pid: parsed.pid, startedAt: String(parsed.startedAt), where: parsed.where ?? [] };
  } catch {
    return undefined; // half-written or edited by hand: treated as stale
  }
}

/** Synchronous, so it also runs from an 'exit' handler. */
function releaseIfMine(file: string): void {
  try {
    if ((JSON.parse(readFileSync(file, 'utf8')) as StackLockHolder).pid === process.pid)
      unlinkSync(file);
  } catch {
    // already gone
  }
}
