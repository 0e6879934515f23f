/**
 * `npm start` next to something that is already there: a second `npm
 * start` in the same DATA_DIR says where the first one runs and exits non-zero without its
 * banner; a port that is taken is named by the variable that moves it.
 */
import net from 'node:net';
import { expect } from 'chai';
import { scratchDatabase } from '../helpers/database.js';
import { RUNNING, runNpm, stackEnv, stackPorts, tempDataDir } from '../helpers/stack-run.js';

const BUSY = 3;

function occupy(port: number): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer((socket) => socket.destroy());
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

describe('npm start: a second one, or a port that is taken', function () {
  this.timeout(180_000);
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

  it('when npm start already runs, then a second one says so with its PID and URLs, exits 3 without the banner, and the first keeps serving', async () => {
    const ports = await stackPorts();
    const env = stackEnv(data.dir, ports, { DATABASE_URL: db.url });
    const first = runNpm(['start'], env);
    try {
      await first.waitForOutput(RUNNING);
      const supervisor = first.find(/src\/main\.ts/).ppid;
      const second = runNpm(['start'], env);
      try {
        expect(await second.exitCode(), second.output()).to.equal(BUSY);
        expect(second.output()).to.match(
          new RegExp(`npm start is already running \\(pid ${supervisor}\\)`),
        );
        expect(second.output()).to.contain(`http://localhost:${ports.proxyPort}`);
        expect(second.output()).to.contain(`http://127.0.0.1:${ports.adminPort}/dashboard/`);
        expect(second.output()).not.to.match(RUNNING);
        expect(second.output()).not.to.contain('EADDRINUSE');
      } finally {
        await second.cleanup();
      }
      expect((await fetch(`http://127.0.0.1:${ports.proxyPort}/readyz`)).status).to.equal(200);
      process.kill(first.npm.pid!, 'SIGTERM');
      expect(await first.exitCode()).to.equal(0);
    } finally {
      await first.cleanup();
    }
  });

  for (const variable of ['PORT', 'PROXY_PORT', 'PROXY_ADMIN_PORT', 'EMBEDDED_PG_PORT'] as const) {
    it(`when the port in ${variable} is taken, then npm start names ${variable}, exits 3 and prints no banner`, async () => {
      const ports = await stackPorts();
      const taken = {
        PORT: ports.port,
        PROXY_PORT: ports.proxyPort,
        PROXY_ADMIN_PORT: ports.adminPort,
        EMBEDDED_PG_PORT: ports.pgPort,
      }[variable];
      const blocker = await occupy(taken);
      const database: Record<string, string> =
        variable === 'EMBEDDED_PG_PORT' ? {} : { DATABASE_URL: db.url };
      const run = runNpm(['start'], stackEnv(data.dir, ports, database));
      try {
        expect(await run.exitCode(), run.output()).to.equal(BUSY);
        expect(run.output()).to.match(
          new RegExp(`port ${taken} \\(${variable}\\) is in use[^\\n]*set ${variable}`),
        );
        expect(run.output()).not.to.match(RUNNING);
      } finally {
        await run.cleanup();
        await new Promise((resolve) => blocker.close(resolve));
      }
    });
  }
});
