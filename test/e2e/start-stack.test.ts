/**
 * `npm start` as a user runs it (src/cli/start.ts, real child processes), on a scratch database
 * of the test server instead of the embedded one: the banner that says the stack is running is
 * true when it appears, and SIGTERM stops everything cleanly.
 */
import { expect } from 'chai';
import pg from 'pg';
import { DEMO_PASSWORD } from '../../src/demo/demo-accounts.js';
import { DEV_SECRETS } from '../../src/lib/contracts/dev-secrets.js';
import { eventually } from '../helpers/eventually.js';
import { scratchDatabase } from '../helpers/database.js';
import { freePort, startProcess } from '../helpers/processes.js';
import { RUNNING, runNpm, stackEnv, stackPorts, tempDataDir } from '../helpers/stack-run.js';

describe('npm start (the whole stack as child processes)', function () {
  this.timeout(120_000);

  it('when the banner says the stack is running, then the proxy, the monolith and the admin port already answer; SIGTERM stops it all with 0', async () => {
    const db = await scratchDatabase();
    const data = await tempDataDir(); // its own DATA_DIR: one npm start runs per DATA_DIR
    const [port, proxyPort, adminPort] = await Promise.all([freePort(), freePort(), freePort()]);
    const stack = startProcess('src/cli/start.ts', {
      DATA_DIR: data.dir,
      DATABASE_URL: db.url,
      PORT: String(port),
      PROXY_PORT: String(proxyPort),
      PROXY_ADMIN_PORT: String(adminPort),
      LOG_LEVEL: 'warn',
    });
    try {
      await eventually(() => stack.output().includes('authshift is running'), {
        timeoutMs: 90_000,
        intervalMs: 20,
        what: () => `the banner:\n${stack.output()}`,
        abort: () => (stack.child.exitCode !== null ? 'start exited' : undefined),
      });
      const viaProxy = await fetch(`http://127.0.0.1:${proxyPort}/auth/me`);
      expect(viaProxy.status, 'the legacy contract through the proxy').to.equal(401);
      expect(await viaProxy.json()).to.deep.equal({ error: 'not_authenticated' });
      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).to.equal(200);
      expect((await fetch(`http://127.0.0.1:${adminPort}/readyz`)).status).to.equal(200);
      expect(await stack.stop(30_000)).to.equal(0);
    } finally {
      await stack.stop();
      await db.drop();
      await data.remove();
    }
  });

  it('when the development stack runs on the embedded database, then the banner gives the dashboard URL with its token, a working psql URL and the demo password, and a login through the proxy shows x-authshift-arm', async () => {
    const data = await tempDataDir();
    const ports = await stackPorts();
    const run = runNpm(['start'], stackEnv(data.dir, ports));
    try {
      await run.waitForOutput(RUNNING);
      const banner = run.output().slice(run.output().search(RUNNING));
      const dashboard = `http://127.0.0.1:${ports.adminPort}/dashboard/`;
      expect(banner).to.match(new RegExp(`dashboard +${dashboard}`));
      expect(banner).to.match(new RegExp(`token +${DEV_SECRETS.PROXY_ADMIN_TOKEN}`));
      const policy = await fetch(`http://127.0.0.1:${ports.adminPort}/api/policy`, {
        headers: { authorization: `Bearer ${DEV_SECRETS.PROXY_ADMIN_TOKEN}` },
      });
      expect(policy.status, 'the printed token opens the admin API').to.equal(200);

      const psql = banner.match(/psql '(postgres:\/\/\S+)'/);
      expect(psql?.[1]).to.equal(
        `postgres://postgres:authshift@127.0.0.1:${ports.pgPort}/authshift`,
      );
      const client = new pg.Client({ connectionString: psql![1] });
      await client.connect();
      const { rows } = await client
        .query<{ n: number }>("SELECT count(*)::int AS n FROM users WHERE email LIKE 'demo-user-%'")
        .finally(() => client.end());
      expect(rows[0]!.n).to.be.greaterThan(900);

      expect(banner).to.match(
        new RegExp(`demo-user-N@demo\\.authshift\\.dev[^\\n]*${DEMO_PASSWORD}`),
      );
      for (const email of ['admin@example.com', 'demo-user-21@demo.authshift.dev']) {
        const login = await fetch(`http://127.0.0.1:${ports.proxyPort}/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email, password: DEMO_PASSWORD }),
        });
        expect(login.status, email).to.equal(200);
        expect(login.headers.get('x-authshift-arm')).to.equal('legacy');
      }
      process.kill(run.npm.pid!, 'SIGTERM');
      expect(await run.exitCode()).to.equal(0);
    } finally {
      await run.cleanup();
      await data.remove();
    }
  });
});
