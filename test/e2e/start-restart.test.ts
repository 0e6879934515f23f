/**
 * `npm start` keeps the stack up: a monolith that dies is restarted with
 * backoff while the proxy keeps answering with its JSON 502, and a crash loop ends after a
 * bounded number of restarts with a clear message. On a scratch database of the test server.
 */
import { expect } from 'chai';
import { scratchDatabase } from '../helpers/database.js';
import { waitGone } from '../helpers/process-tree.js';
import { RUNNING, runNpm, stackEnv, stackPorts, tempDataDir } from '../helpers/stack-run.js';

const MONOLITH = /src\/main\.ts/;
const PROXY = /proxy\/main\.ts/;

describe('npm start: a service that dies is restarted', function () {
  this.timeout(240_000);
  let db: Awaited<ReturnType<typeof scratchDatabase>>;
  let data: Awaited<ReturnType<typeof tempDataDir>>;
  beforeEach(async () => {
    db = await scratchDatabase();
    data = await tempDataDir();
  });
  afterEach(async () => {
    await db.drop();
    await data.remove();
  });

  it('when the monolith is killed, then the crash is logged, the proxy answers JSON 502 meanwhile, and the restarted monolith serves through the same proxy', async () => {
    const ports = await stackPorts();
    const run = runNpm(['start'], stackEnv(data.dir, ports, { DATABASE_URL: db.url }));
    try {
      await run.waitForOutput(RUNNING);
      const monolith = run.find(MONOLITH);
      const proxy = run.find(PROXY);
      process.kill(monolith.pid, 'SIGKILL');

      const crash = await run.waitForEvent((e) => e.msg === 'crashed');
      expect(crash).to.include({ service: 'monolith', signal: 'SIGKILL', attempt: 1 });
      expect(crash.restartInMs).to.be.a('number');
      // The restart is pending (backoff): the proxy itself answers, in its own JSON format.
      const during = await fetch(`http://127.0.0.1:${ports.proxyPort}/auth/me`);
      expect(during.status).to.equal(502);
      expect(await during.json()).to.include({ code: 'UPSTREAM_UNAVAILABLE' });

      await run.waitForEvent(
        (e) => e.msg === 'ready' && e.service === 'monolith' && e.restarts === 1,
      );
      const after = await fetch(`http://127.0.0.1:${ports.proxyPort}/auth/me`);
      expect(after.status).to.equal(401);
      expect(await after.json()).to.deep.equal({ error: 'not_authenticated' });
      expect(run.find(MONOLITH).pid).not.to.equal(monolith.pid);
      expect(run.find(PROXY).pid, 'the proxy was never stopped').to.equal(proxy.pid);

      process.kill(run.npm.pid!, 'SIGTERM');
      expect(await run.exitCode()).to.equal(0);
    } finally {
      await run.cleanup();
    }
  });

  it('when the monolith dies again after every restart, then the supervisor gives up after a bounded number of restarts, says so, stops everything and exits 1', async () => {
    const ports = await stackPorts();
    const run = runNpm(['start'], stackEnv(data.dir, ports, { DATABASE_URL: db.url }));
    try {
      await run.waitForOutput(RUNNING);
      const seen = run.tree().map((p) => p.pid);
      const killed = new Set<number>();
      let exit: number | null | undefined;
      void run.exited.then((code) => (exit = code));
      // Kill each monolith the supervisor starts, as soon as it says it started one.
      while (exit === undefined && killed.size < 20) {
        const started = await run
          .waitForEvent(
            (e) => e.msg === 'started' && e.service === 'monolith' && !killed.has(e.pid as number),
            60_000,
          )
          .catch(() => undefined);
        if (!started) break;
        killed.add(started.pid as number);
        seen.push(started.pid as number);
        process.kill(started.pid as number, 'SIGKILL');
      }
      expect(await run.exitCode(), run.output()).to.equal(1);
      expect(killed.size, 'the first monolith and each restart').to.be.within(3, 11);
      expect(run.output()).to.match(
        /monolith crashed \d+ times in a row[^\n]*giving up[^\n]*stopping the stack/,
      );
      expect(await waitGone(seen, 5000)).to.deep.equal([]);
    } finally {
      await run.cleanup();
    }
  });
});
