import { expect } from 'chai';
import { testDatabaseUrl } from '../helpers/database.js';
import { createLegacyUser } from '../helpers/factories.js';
import { freePort, startProcess, waitForHttp } from '../helpers/processes.js';
import { buildTestDeps, TEST_ENV } from '../helpers/test-deps.js';

describe('monolith process (src/main.ts)', () => {
  it('when NODE_ENV=production uses the default secrets, then it refuses to start and names every problem', async () => {
    const proc = startProcess('src/main.ts', {
      NODE_ENV: 'production',
      PORT: String(await freePort()),
    });
    const code = await proc.exited;
    expect(code).to.equal(1);
    for (const name of [
      'SESSION_SECRET',
      'JWT_SECRET',
      'RESET_PASSWORD_TOKEN_SECRET',
      'VERIFICATION_TOKEN_SECRET',
      'DATABASE_URL',
    ]) {
      expect(proc.output()).to.contain(`${name}:`);
    }
    expect(proc.output()).not.to.match(/at .*\.ts:\d+/); // a clear message, not a stack trace
  });

  it('when started on a migrated database, then it serves, and on SIGTERM it drains and exits 0', async () => {
    const port = await freePort();
    const proc = startProcess('src/main.ts', {
      ...TEST_ENV,
      LOG_LEVEL: 'info',
      DATABASE_URL: testDatabaseUrl(),
      PORT: String(port),
      HOST: '127.0.0.1',
    });
    try {
      await waitForHttp(`http://127.0.0.1:${port}/readyz`, proc);
      const deps = buildTestDeps();
      const user = await createLegacyUser(deps.sequelize);
      await deps.close();
      const login = await fetch(`http://127.0.0.1:${port}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: user.email, password: user.password }),
      });
      expect(login.status).to.equal(200);
      const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
      const me = await fetch(`http://127.0.0.1:${port}/auth/me`, { headers: { cookie } });
      expect(me.status).to.equal(200);
      // SECURITY: the access log never carries the password or the session cookie.
      expect(proc.output()).not.to.contain(user.password);
      expect(proc.output()).not.to.contain(cookie.split('=')[1]!);
    } finally {
      const code = await proc.stop();
      if (code !== 0) console.log(proc.output());
      expect(code).to.equal(0);
    }
    expect(proc.output()).to.contain('draining');
  });
});
