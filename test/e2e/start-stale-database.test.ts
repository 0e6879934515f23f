/**
 * An embedded PostgreSQL that `npm start` did not start itself: one left
 * running by a crash is stopped (and said so), one used by another live process is refused with
 * what to do, a stale postmaster.pid is never silently reused. Real npm, real PostgreSQL.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import { startProcess } from '../helpers/processes.js';
import { isRunning, waitGone } from '../helpers/process-tree.js';
import {
  RUNNING,
  runNpm,
  stackEnv,
  stackPorts,
  tempDataDir,
  type StackRun,
} from '../helpers/stack-run.js';

const POSTMASTER = /bin\/postgres -D/;
/** The postmaster and its backends ("postgres: checkpointer", …), not the node processes. */
const POSTGRES = /bin\/postgres -D|^postgres: /;
const BUSY = 3;

/** SIGKILLs every process of the stack except PostgreSQL's if `sparePostgres`: a crash. */
function crash(run: StackRun, sparePostgres: boolean): void {
  for (const p of [...run.tree(), { pid: run.npm.pid!, command: 'npm' }]) {
    if (sparePostgres && POSTGRES.test(p.command)) continue;
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch (error) {
      // A process of the tree may end between the listing and the kill (a backend, a child of a
      // process killed first): gone is what a crash wants.
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  }
}

/** Resolves with the exit code, or with 'banner' if the stack came up instead. */
function outcome(run: StackRun): Promise<number | null | 'banner' | 'still running'> {
  return run.waitForOutput(RUNNING).then(
    () => 'banner' as const,
    () => run.exitCode(),
  );
}

async function stopCleanly(run: StackRun): Promise<void> {
  const pids = run.tree().map((p) => p.pid);
  process.kill(run.npm.pid!, 'SIGTERM');
  expect(await run.exitCode(), run.output()).to.equal(0);
  expect(await waitGone(pids, 5000)).to.deep.equal([]);
}

describe('npm start: an embedded PostgreSQL it did not start', function () {
  this.timeout(240_000);
  let data: Awaited<ReturnType<typeof tempDataDir>>;
  beforeEach(async () => {
    data = await tempDataDir();
  });
  afterEach(async () => {
    await data.remove();
  });

  it('when a crash left the embedded PostgreSQL running without its npm start, then the next npm start stops it, says so, and runs its own', async () => {
    const ports = await stackPorts();
    const first = runNpm(['start'], stackEnv(data.dir, ports));
    let orphan: number | undefined;
    try {
      await first.waitForOutput(RUNNING);
      orphan = first.find(POSTMASTER).pid;
      crash(first, true);
      await first.exitCode();
      expect(isRunning(orphan), 'the crash left PostgreSQL running').to.equal(true);

      const second = runNpm(['start'], stackEnv(data.dir, ports));
      try {
        await second.waitForOutput(RUNNING);
        expect(second.output(), second.output()).to.match(
          new RegExp(`embedded PostgreSQL \\(pid ${orphan}\\)[^\\n]*left running[^\\n]*stopped it`),
        );
        expect(isRunning(orphan), 'the orphan was stopped').to.equal(false);
        expect(second.find(POSTMASTER).pid).not.to.equal(orphan);
        await stopCleanly(second);
      } finally {
        await second.cleanup();
      }
    } finally {
      await first.cleanup();
      if (orphan && isRunning(orphan)) process.kill(orphan, 'SIGKILL');
    }
  });

  it('when the supervisor itself is killed (kill -9), then its services and the embedded PostgreSQL stop by themselves', async () => {
    const run = runNpm(['start'], stackEnv(data.dir, await stackPorts()));
    try {
      await run.waitForOutput(RUNNING);
      const running = run.tree();
      process.kill(run.find(/src\/main\.ts/).ppid, 'SIGKILL');
      expect(
        await waitGone(
          running.map((p) => p.pid),
          60_000,
        ),
        run.output(),
      ).to.deep.equal([]);
    } finally {
      await run.cleanup();
    }
  });

  it('when PostgreSQL died with the stack and left its postmaster.pid, then the next npm start says it was not shut down cleanly and recovers', async () => {
    const ports = await stackPorts();
    const first = runNpm(['start'], stackEnv(data.dir, ports));
    try {
      await first.waitForOutput(RUNNING);
      const dead = first.find(POSTMASTER).pid;
      // The backends too: one still attached to the shared memory would (rightly) stop the restart.
      const postgres = first
        .tree()
        .filter((p) => POSTGRES.test(p.command))
        .map((p) => p.pid);
      crash(first, false);
      await first.exitCode();
      expect(await waitGone(postgres, 30_000)).to.deep.equal([]);

      const second = runNpm(['start'], stackEnv(data.dir, ports));
      try {
        await second.waitForOutput(RUNNING);
        expect(second.output(), second.output()).to.match(
          new RegExp(
            `postmaster\\.pid names pid ${dead}, which is gone[^\\n]*not shut down cleanly`,
          ),
        );
        await stopCleanly(second);
      } finally {
        await second.cleanup();
      }
    } finally {
      await first.cleanup();
    }
  });

  it('when another live process runs the embedded PostgreSQL, then npm start refuses, names it and says what to do, exits 3, and leaves that server alone', async () => {
    const ports = await stackPorts();
    const env = stackEnv(data.dir, ports);
    const holder = startProcess('test/helpers/hold-embedded-postgres.ts', env);
    try {
      while (!holder.output().includes('holding')) {
        if (holder.child.exitCode !== null) throw new Error(holder.output());
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const run = runNpm(['start'], env);
      try {
        expect(await outcome(run), run.output()).to.equal(BUSY);
        expect(run.output(), run.output()).to.match(
          new RegExp(
            `embedded PostgreSQL in \\S+ is in use by pid ${holder.child.pid}[^\\n]*stop that process`,
          ),
        );
      } finally {
        await run.cleanup();
      }
      expect(holder.child.exitCode, 'the holder still runs').to.equal(null);
      expect(await holder.stop(30_000)).to.equal(0);
    } finally {
      await holder.stop();
    }
  });

  it('when postmaster.pid names a live process that is not PostgreSQL, then npm start refuses with what to do and exits 3', async () => {
    const ports = await stackPorts();
    const dataDir = path.join(data.dir, 'postgres');
    const first = runNpm(['start'], stackEnv(data.dir, ports));
    try {
      await first.waitForOutput(RUNNING); // initialises the cluster
      await stopCleanly(first);
    } finally {
      await first.cleanup();
    }
    // A PID reused after a crash: this test's own process, alive and not PostgreSQL.
    await writeFile(path.join(dataDir, 'postmaster.pid'), `${process.pid}\n${dataDir}\n`);
    const run = runNpm(['start'], stackEnv(data.dir, ports));
    try {
      expect(await outcome(run), run.output()).to.equal(BUSY);
      expect(run.output(), run.output()).to.match(
        new RegExp(
          `postmaster\\.pid names pid ${process.pid}, which is not PostgreSQL[^\\n]*delete`,
        ),
      );
    } finally {
      await run.cleanup();
    }
  });
});
