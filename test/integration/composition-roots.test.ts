import { expect } from 'chai';
import type pg from 'pg';
import { loadProxyConfig } from '../../proxy/config.js';
import { buildProxyDeps } from '../../proxy/deps.js';
import { silentLogger } from '../../src/lib/logger.js';
import { scratchDatabase, testDatabaseUrl, testPool } from '../helpers/database.js';
import { eventually } from '../helpers/eventually.js';
import { buildTestDeps } from '../helpers/test-deps.js';

/**
 * Both composition roots only wire: building connects to nothing and starts no timer; `start()`
 * begins the background work (the monolith's user-store follower, the proxy's policy store, each
 * with a LISTEN connection) and `close()` ends it. Each case runs an unstarted and a started
 * instance side by side on a database of its own, so only the started one may show up there.
 */
describe('composition roots (build wires, start starts, close ends)', () => {
  let scratch: { url: string; drop(): Promise<void> };
  let admin: pg.Pool;
  before(async () => {
    scratch = await scratchDatabase();
    admin = testPool(testDatabaseUrl(), 1);
  });
  after(async () => {
    await admin.end();
    await scratch.drop();
  });

  const listening = async (applicationName: string) => {
    const { rows } = await admin.query<{ n: string }>(
      `SELECT count(*) AS n FROM pg_stat_activity
        WHERE datname = $1 AND application_name = $2`,
      [new URL(scratch.url).pathname.slice(1), applicationName],
    );
    return Number(rows[0]!.n);
  };

  /** An unstarted and a started instance side by side: only the started one listens. */
  async function onlyStartedListens(
    build: () => { start(): Promise<void>; close(): Promise<void> },
    applicationName: string,
  ) {
    const idle = build();
    const started = build();
    try {
      await started.start();
      await eventually(async () => (await listening(applicationName)) >= 1, {
        what: `${applicationName} listens`,
      });
      expect(await listening(applicationName)).to.equal(1);
    } finally {
      await started.close();
      await idle.close();
    }
    expect(await listening(applicationName)).to.equal(0);
  }

  it('when the monolith deps are built, then nothing listens until start(), and close() ends it', () =>
    onlyStartedListens(
      () => buildTestDeps({ databaseUrl: scratch.url }),
      'authshift-settings-listen',
    ));

  it('when the proxy deps are built, then nothing listens until start(), and close() ends it', () =>
    onlyStartedListens(
      () =>
        buildProxyDeps(loadProxyConfig({ DATABASE_URL: scratch.url }), { logger: silentLogger() }),
      'authshift-proxy-listen',
    ));
});
