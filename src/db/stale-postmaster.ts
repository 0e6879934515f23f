/**
 * Before the embedded PostgreSQL starts: is a server of an earlier run still there? The data
 * folder's postmaster.pid names the postmaster; `<data folder>.owner` names the process that
 * started it. Each case gets a decision and a sentence, never a silent reuse:
 * - the PID is gone: PostgreSQL was not shut down cleanly and recovers by itself (the file stays:
 *   PostgreSQL reads it to detect leftover shared memory);
 * - PostgreSQL runs and its owner is alive (a CLI, another stack): refused;
 * - PostgreSQL runs and its owner is gone (a crash, kill -9): stopped with PostgreSQL's fast
 *   shutdown (SIGINT), then started afresh;
 * - another program runs under that PID (reused after a crash or reboot): refused, with the file
 *   to delete, since only a person can tell that no postgres process still uses the folder.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../lib/logger.js';
import { commandLine, isAlive, waitForExit, waitForReaped } from '../lib/process/process-info.js';

/** The embedded server cannot start here for a reason only the operator can remove. */
export class EmbeddedPostgresBusyError extends Error {
  override name = 'EmbeddedPostgresBusyError';
}

const STOP_TIMEOUT_MS = 60_000;
const REAP_TIMEOUT_MS = 30_000;

const ownerFile = (dataDir: string) => `${path.resolve(dataDir)}.owner`;

export async function settleStalePostmaster(dataDir: string, logger: Logger): Promise<void> {
  const lockFile = path.join(path.resolve(dataDir), 'postmaster.pid');
  const pid = await readPid(lockFile);
  if (pid === undefined) return;
  if (!isAlive(pid)) {
    logger.warn(
      `${lockFile} names pid ${pid}, which is gone: PostgreSQL was not shut down cleanly; it recovers on start`,
    );
    // An exited postmaster that its parent has not reaped yet (a zombie) still passes
    // PostgreSQL's own lock-file check, which then refuses to start: wait for the reaping.
    if (!(await waitForReaped(pid, REAP_TIMEOUT_MS)))
      throw new EmbeddedPostgresBusyError(
        `the PostgreSQL that ${lockFile} names (pid ${pid}) has exited but its parent has not reaped it within ${REAP_TIMEOUT_MS / 1000} s, ` +
          'and PostgreSQL refuses to start while that pid exists; stop its parent process (or wait), then start again.',
      );
    return;
  }
  const command = commandLine(pid);
  if (command === undefined || !/postgres/.test(command))
    throw new EmbeddedPostgresBusyError(
      `${lockFile} names pid ${pid}, which is not PostgreSQL (${command ?? 'unknown command'}): ` +
        `the file is left from a crash. If no postgres process uses ${dataDir} any more, delete ${lockFile} and start again.`,
    );
  const owner = await readPid(ownerFile(dataDir));
  if (owner !== undefined && owner !== process.pid && isAlive(owner))
    throw new EmbeddedPostgresBusyError(
      `the embedded PostgreSQL in ${dataDir} is in use by pid ${owner} (${commandLine(owner) ?? 'unknown command'}); ` +
        'stop that process (or wait for it to finish), then start again.',
    );
  process.kill(pid, 'SIGINT');
  if (!(await waitForExit(pid, STOP_TIMEOUT_MS)))
    throw new EmbeddedPostgresBusyError(
      `the embedded PostgreSQL (pid ${pid}) left running in ${dataDir} did not stop within ${STOP_TIMEOUT_MS / 1000} s; stop it (kill -INT ${pid}) and start again.`,
    );
  logger.warn(
    `the embedded PostgreSQL (pid ${pid}) was left running by an earlier run that is gone (owner pid ${owner ?? 'unknown'}); stopped it before starting`,
  );
}

/** Records which process runs the server of `dataDir`, before it starts. */
export async function claimPostmaster(dataDir: string): Promise<() => Promise<void>> {
  const file = ownerFile(dataDir);
  await writeFile(file, `${process.pid}\n`);
  return async () => {
    if ((await readPid(file)) === process.pid) await rm(file, { force: true });
  };
}

/** The PID on the first line of a pid file. */
export async function readPid(file: string): Promise<number | undefined> {
  try {
    const pid = Number((await readFile(file, 'utf8')).split('\n', 1)[0]);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}
