import http from 'node:http';
import net from 'node:net';
import { expect } from 'chai';
import { testDatabaseUrl } from '../helpers/database.js';
import { createLegacyUser } from '../helpers/factories.js';
import { createFuUser } from '../helpers/fu-auth.js';
import { eventually } from '../helpers/eventually.js';
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
      'ROUTING_SECRET',
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

  it('when clients keep their keep-alive connections busy, then SIGTERM still drains at once, exits 0, and no request outlives the database pool', async () => {
    const port = await freePort();
    const proc = startProcess('src/main.ts', {
      ...TEST_ENV,
      LOG_LEVEL: 'warn',
      DATABASE_URL: testDatabaseUrl(),
      PORT: String(port),
      HOST: '127.0.0.1',
    });
    await waitForHttp(`http://127.0.0.1:${port}/readyz`, proc);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
    let running = true;
    let answered = 0;
    const get = () =>
      new Promise<void>((resolve, reject) => {
        const req = http.get({ host: '127.0.0.1', port, path: '/readyz', agent }, (res) => {
          res.resume();
          res.on('end', () => {
            answered += 1;
            resolve();
          });
        });
        req.on('error', reject);
      });
    // Like a load generator: every connection always has the next request ready.
    const clients = Array.from({ length: 4 }, async () => {
      while (running) await get().catch(() => (running = false));
    });
    await eventually(() => answered >= 20 || !running, { what: 'the load is flowing' });
    const stopped = Date.now();
    const code = await proc.stop(15_000);
    const took = Date.now() - stopped;
    running = false;
    await Promise.all(clients);
    agent.destroy();
    expect(answered).to.be.greaterThan(10);
    expect(code, proc.output()).to.equal(0);
    expect(took, 'the drain did not wait for its 10 s deadline').to.be.below(5000);
    expect(proc.output()).not.to.match(/ConnectionManager|"level":50/);
  });

  it('when clients hang up on logins that are still hashing and SIGTERM follows, then those handlers finish before the database closes (no errors)', async () => {
    const port = await freePort();
    // Real argon2id costs, so each login is still hashing when its client hangs up.
    const env = {
      ...TEST_ENV,
      ARGON2_MEMORY_KIB: '65536',
      ARGON2_TIME_COST: '3',
      ARGON2_PARALLELISM: '4',
    };
    const deps = buildTestDeps({ env });
    const user = await createFuUser(deps, { password: 'hang-up-password-1' });
    await deps.close();
    const proc = startProcess('src/main.ts', {
      ...env,
      LOG_LEVEL: 'warn',
      DATABASE_URL: testDatabaseUrl(),
      PORT: String(port),
      HOST: '127.0.0.1',
    });
    await waitForHttp(`http://127.0.0.1:${port}/readyz`, proc);
    const body = `username=${encodeURIComponent(user.email)}&password=hang-up-password-1`;
    const sockets = Array.from({ length: 6 }, () => {
      const socket = net.connect(port, '127.0.0.1');
      socket.on('error', () => undefined);
      socket.write(
        `POST /fu_auth/jwt/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
      return socket;
    });
    await new Promise((resolve) => setTimeout(resolve, 40));
    for (const socket of sockets) socket.destroy();
    const code = await proc.stop(15_000);
    expect(code, proc.output()).to.equal(0);
    expect(proc.output()).not.to.match(/ConnectionManager|"level":50/);
  });
});
