/**
 * A database restart in the middle of `npm run cutover`: the run stops as "interrupted" (exit 4)
 * naming the step, rolls nothing back, and running it again once the database is back resumes to
 * a consistent consolidated state. The test owns its PostgreSQL so it can restart it.
 */
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { verifyConsolidation } from '../../src/cutover/verify-consolidation.js';
import { startEmbeddedPostgres, type RunningPostgres } from '../../src/db/embedded-postgres.js';
import { createMigrator } from '../../src/db/migrator.js';
import { createSequelize } from '../../src/db/sequelize.js';
import { silentLogger } from '../../src/lib/logger.js';
import { eventually } from '../helpers/eventually.js';
import { freePort, startProcess, type RunningProcess } from '../helpers/processes.js';
import { TEST_ENV } from '../helpers/test-deps.js';

const DATABASE = 'authshift_restart';
const USERS = 6000;

function cutover(url: string): RunningProcess {
  return startProcess(
    'src/cli/cutover.ts',
    // Small batches: the copy takes long enough to be cut in the middle.
    { ...TEST_ENV, DATABASE_URL: url, CUTOVER_BATCH_SIZE: '10', CUTOVER_PROPAGATION_MS: '200' },
    ['--execute', '--skip-smoke'],
  );
}

const waitForOutput = (proc: RunningProcess, pattern: RegExp, timeoutMs = 60_000) =>
  eventually(() => pattern.test(proc.output()), {
    timeoutMs,
    intervalMs: 20,
    what: () => `${pattern} printed:\n${proc.output()}`,
    abort: () => (proc.child.exitCode !== null ? 'the process exited' : undefined),
  });

describe('cutover across a database restart (own embedded PostgreSQL)', function () {
  this.timeout(180_000);
  let dir: string;
  let dataDir: string;
  let port: number;
  let server: RunningPostgres | undefined;

  const start = async () =>
    startEmbeddedPostgres({
      dataDir,
      port,
      database: DATABASE,
      logger: silentLogger(),
      ephemeral: true,
    });

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'authshift-restart-'));
    await chmod(dir, 0o755);
    dataDir = path.join(dir, 'pg');
    port = await freePort();
    server = await start();
    const sequelize = createSequelize({ url: server.url, poolMax: 2, logger: silentLogger() });
    try {
      await createMigrator({ sequelize, databaseUrl: server.url, logger: silentLogger() }).up();
      await sequelize.query(
        `INSERT INTO users (email, hashed_password, role) SELECT format('restart-%s@example.org', g), NULL,
                CASE WHEN g % 100 = 0 THEN 'admin' ELSE 'user' END FROM generate_series(1, ${USERS}) g`,
      );
    } finally {
      await sequelize.close();
    }
  });
  after(async () => {
    // ephemeral: stopping also removes the data folder.
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('when PostgreSQL restarts during the consolidate step, then cutover exits 4 naming the step, and a re-run resumes to a consistent state', async () => {
    const url = server!.url;
    const first = cutover(url);
    await waitForOutput(first, /rebuild-users-consolidated: \d+\/\d+/);
    // A fast shutdown, as a restart does: the postmaster's pid is the first line of postmaster.pid.
    const pid = Number(
      (await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0],
    );
    process.kill(pid, 'SIGINT');
    // That instance's process is gone; its stop() would wait for an exit that already happened.
    server = undefined;
    const code = await first.exited;
    expect(code, first.output()).to.equal(4);
    expect(first.output()).to.match(
      /\[cutover\] interrupted at step consolidate: the database is unreachable \(.+\)\. Nothing was rolled back; re-run npm run cutover -- --execute once it is back/,
    );
    expect(first.output()).to.not.match(/rolling back/);

    // The server object of the first start saw its process exit; the data stays for the restart.
    server = await start();
    const second = cutover(url);
    expect(await second.exited, second.output()).to.equal(0);
    expect(second.output()).to.match(/\[cutover\] resuming run #\d+/);
    expect(second.output()).to.match(/\[cutover\] preflight: done in an earlier attempt, skipped/);
    expect(second.output()).to.match(/\[cutover\] consolidate: done in \d+\.\d+s/);

    const sequelize = createSequelize({ url, poolMax: 2, logger: silentLogger() });
    try {
      const report = await verifyConsolidation(sequelize, 'cutover');
      expect(report.problems).to.deep.equal([]);
      expect(report.counts.users).to.equal(USERS);
      const [store] = await sequelize.query<{ value: string }>(
        `SELECT value FROM app_settings WHERE key = 'user_store'`,
        { type: QueryTypes.SELECT },
      );
      expect(store!.value).to.equal('users');
      const [run] = await sequelize.query<{ status: string }>(
        `SELECT status FROM cutover_runs WHERE kind = 'cutover' ORDER BY id DESC LIMIT 1`,
        { type: QueryTypes.SELECT },
      );
      expect(run!.status).to.equal('done');
    } finally {
      await sequelize.close();
    }
  });
});
