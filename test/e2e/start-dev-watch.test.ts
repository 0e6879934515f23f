/**
 * `npm run dev`: a change to a service's code restarts that service, and
 * only that one: src/app.ts restarts the monolith, a file under proxy/ restarts the proxy. The
 * change is a touch (new mtime, same content): no tracked file is edited.
 */
import { utimes } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { scratchDatabase } from '../helpers/database.js';
import { RUNNING, runNpm, stackEnv, stackPorts, tempDataDir } from '../helpers/stack-run.js';

const MONOLITH = /src\/main\.ts/;
const PROXY = /proxy\/main\.ts/;

function touch(file: string): Promise<void> {
  const now = new Date();
  return utimes(fileURLToPath(new URL(`../../${file}`, import.meta.url)), now, now);
}

describe('npm run dev: the service whose code changed restarts', function () {
  this.timeout(240_000);

  it('when src/app.ts changes, then the monolith restarts and the proxy does not; when a proxy/ file changes, then the proxy restarts and the monolith does not', async () => {
    const db = await scratchDatabase();
    const data = await tempDataDir();
    const ports = await stackPorts();
    const run = runNpm(['run', 'dev'], stackEnv(data.dir, ports, { DATABASE_URL: db.url }));
    try {
      await run.waitForOutput(RUNNING);
      const [monolith, proxy] = [run.find(MONOLITH), run.find(PROXY)];

      await touch('src/app.ts');
      const restart = await run.waitForEvent(
        (e) => e.msg === 'restarting' && e.service === 'monolith',
        30_000,
      );
      expect(restart.changed).to.deep.equal(['src/app.ts']);
      await run.waitForEvent(
        (e) => e.msg === 'ready' && e.service === 'monolith' && e.restarts === 1,
      );
      const monolithAfter = run.find(MONOLITH);
      expect(monolithAfter.pid).not.to.equal(monolith.pid);
      expect(run.find(PROXY).pid).to.equal(proxy.pid);

      await touch('proxy/server.ts');
      await run.waitForEvent(
        (e) => e.msg === 'ready' && e.service === 'proxy' && e.restarts === 1,
        30_000,
      );
      expect(run.find(PROXY).pid).not.to.equal(proxy.pid);
      expect(run.find(MONOLITH).pid).to.equal(monolithAfter.pid);
      const restarted = run
        .events()
        .filter((e) => e.msg === 'restarting')
        .map((e) => e.service);
      expect(restarted).to.deep.equal(['monolith', 'proxy']);

      const me = await fetch(`http://127.0.0.1:${ports.proxyPort}/auth/me`);
      expect(me.status).to.equal(401);
      process.kill(run.npm.pid!, 'SIGTERM');
      expect(await run.exitCode()).to.equal(0);
    } finally {
      await run.cleanup();
      await db.drop();
      await data.remove();
    }
  });
});
