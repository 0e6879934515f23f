/**
 * `npm start` as a user runs it (src/cli/start.ts, real child processes), on a scratch database
 * of the test server instead of the embedded one: the banner that says the stack is running is
 * true when it appears, and SIGTERM stops everything cleanly.
 */
import { expect } from 'chai';
import { scratchDatabase } from '../helpers/database.js';
import { freePort, startProcess } from '../helpers/processes.js';

describe('npm start (the whole stack as child processes)', function () {
  this.timeout(120_000);

  it('when the banner says the stack is running, then the proxy, the monolith and the admin port already answer; SIGTERM stops it all with 0', async () => {
    const db = await scratchDatabase();
    const [port, proxyPort, adminPort] = await Promise.all([freePort(), freePort(), freePort()]);
    const stack = startProcess('src/cli/start.ts', {
      DATABASE_URL: db.url,
      PORT: String(port),
      PROXY_PORT: String(proxyPort),
      PROXY_ADMIN_PORT: String(adminPort),
      LOG_LEVEL: 'warn',
    });
    try {
      const deadline = Date.now() + 90_000;
      while (!stack.output().includes('authshift is running')) {
        if (stack.child.exitCode !== null) throw new Error(`start exited:\n${stack.output()}`);
        if (Date.now() > deadline) throw new Error(`no banner:\n${stack.output()}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const viaProxy = await fetch(`http://127.0.0.1:${proxyPort}/auth/me`);
      expect(viaProxy.status, 'the legacy contract through the proxy').to.equal(401);
      expect(await viaProxy.json()).to.deep.equal({ error: 'not_authenticated' });
      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).to.equal(200);
      expect((await fetch(`http://127.0.0.1:${adminPort}/readyz`)).status).to.equal(200);
      expect(await stack.stop(30_000)).to.equal(0);
    } finally {
      await stack.stop();
      await db.drop();
    }
  });
});
