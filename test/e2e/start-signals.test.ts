/**
 * `npm start` as a supervisor: a stop signal to any of its processes (npm
 * itself, the node process that runs src/cli/start.ts, the monolith, the proxy, or the whole
 * terminal job on Ctrl-C) stops the proxy, the monolith and then the embedded PostgreSQL, npm
 * exits 0, and no process is left running. Real npm, real processes, one embedded cluster.
 */
import { expect } from 'chai';
import { waitGone, type ProcessInfo } from '../helpers/process-tree.js';
import {
  RUNNING,
  runNpm,
  stackEnv,
  stackPorts,
  tempDataDir,
  type StackRun,
} from '../helpers/stack-run.js';

type Target = 'npm' | 'job' | 'supervisor' | 'monolith' | 'proxy';

const MONOLITH = /src\/main\.ts/;
const PROXY = /proxy\/main\.ts/;
const POSTMASTER = /bin\/postgres -D/;

function targetPid(run: StackRun, target: Target): number {
  if (target === 'npm' || target === 'job') return run.npm.pid!;
  if (target === 'monolith') return run.find(MONOLITH).pid;
  if (target === 'proxy') return run.find(PROXY).pid;
  return run.find(MONOLITH).ppid; // the supervisor: the process that runs the services
}

describe('npm start: a stop signal to any of its processes stops everything in order', function () {
  this.timeout(240_000);
  let data: Awaited<ReturnType<typeof tempDataDir>>;
  before(async () => {
    data = await tempDataDir();
  });
  after(async () => {
    await data?.remove();
  });

  const cases: { target: Target; signal: NodeJS.Signals; who: string }[] = [
    { target: 'npm', signal: 'SIGTERM', who: "npm start's own PID" },
    { target: 'npm', signal: 'SIGINT', who: "npm start's own PID" },
    { target: 'job', signal: 'SIGINT', who: 'the whole terminal job (Ctrl-C)' },
    { target: 'supervisor', signal: 'SIGTERM', who: 'the node process running src/cli/start.ts' },
    { target: 'monolith', signal: 'SIGTERM', who: 'the monolith' },
    { target: 'proxy', signal: 'SIGTERM', who: 'the proxy' },
  ];
  for (const { target, signal, who } of cases) {
    it(`when ${who} gets ${signal}, then the proxy, the monolith and the embedded PostgreSQL stop in that order, npm exits 0 and nothing is left running`, async () => {
      const run = runNpm(['start'], stackEnv(data.dir, await stackPorts()));
      try {
        await run.waitForOutput(RUNNING);
        const running: ProcessInfo[] = run.tree();
        expect(running.some((p) => POSTMASTER.test(p.command))).to.equal(true);
        const pid = targetPid(run, target);
        process.kill(target === 'job' ? -pid : pid, signal);

        const code = await run.exitCode(60_000);
        const left = await waitGone(
          running.map((p) => p.pid),
          5000,
        );
        expect(left, `left running:\n${JSON.stringify(run.tree())}\n${run.output()}`).to.deep.equal(
          [],
        );
        expect(code, run.output()).to.equal(0);

        const stops = run.events().filter((e) => e.msg === 'stopped');
        expect(
          stops.map((e) => e.code),
          'each drained and exited by itself (one signal each, no SIGKILL)',
        ).to.deep.equal([0, 0, 0]);
        const stopped = stops.map((e) => e.service);
        const signalled: string[] = target === 'monolith' || target === 'proxy' ? [target] : [];
        expect(stopped, run.output()).to.deep.equal([
          ...signalled,
          ...['proxy', 'monolith', 'database'].filter((s) => !signalled.includes(s)),
        ]);
      } finally {
        await run.cleanup();
      }
    });
  }
});
