import { expect } from 'chai';
import pg from 'pg';
import type { AppDeps } from '../../../src/deps.js';
import { createSettingsRepository } from '../../../src/settings/settings-repository.js';
import type { UserStoreKind } from '../../../src/settings/settings-repository.js';
import { eventually } from '../../helpers/eventually.js';
import { phase1Database, type Phase1Database } from '../../helpers/consolidation.js';
import { buildTestDeps } from '../../helpers/test-deps.js';

/** docs/design/design.md: every monolith instance follows a `user_store` change within one second. */
const BOUND_MS = 1000;

describe('user_store propagation to every instance', () => {
  let db: Phase1Database;
  let instances: AppDeps[] = [];

  beforeEach(async () => {
    db = await phase1Database();
  });
  afterEach(async () => {
    await Promise.all(instances.map((deps) => deps.close()));
    instances = [];
    await db.drop();
  });

  /** Instances as the monolith builds them (each with its own LISTEN connection), started. */
  async function start(n: number, env: Record<string, string> = {}): Promise<AppDeps[]> {
    instances = Array.from({ length: n }, () => buildTestDeps({ databaseUrl: db.url, env }));
    await Promise.all(instances.map((deps) => deps.fuAuth.userStore.start()));
    return instances;
  }

  /** Writes the setting, then how long until the last instance serves from the new store. */
  async function switchAndTime(to: UserStoreKind): Promise<number> {
    const started = performance.now();
    await createSettingsRepository(db.sequelize).writeUserStore(to, 'propagation test');
    while (!instances.every((deps) => deps.fuAuth.deps.store().kind === to)) {
      if (performance.now() - started > 5 * BOUND_MS) break;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return performance.now() - started;
  }

  it('when user_store is switched with the default refresh settings, then all three instances follow within one second, both ways', async () => {
    await start(3);
    expect(instances.every((d) => d.config.fuAuth.userStoreRefreshMs === 500)).to.equal(true);
    expect(await switchAndTime('users')).to.be.at.most(BOUND_MS);
    expect(await switchAndTime('fu_users')).to.be.at.most(BOUND_MS);
  });

  it('when the periodic re-read is effectively off, then LISTEN/NOTIFY alone brings the switch within one second', async () => {
    await start(3, { USER_STORE_REFRESH_MS: '600000' });
    expect(await switchAndTime('users')).to.be.at.most(BOUND_MS);
  });

  it('when the LISTEN connections are lost, then the periodic re-read still brings the switch within one second', async () => {
    await start(3);
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    try {
      // start() resolves after the first read; the LISTEN connections open just after it.
      const listening = async () =>
        Number(
          (
            await admin.query<{ n: string }>(
              `SELECT count(*) AS n FROM pg_stat_activity
                WHERE application_name = 'authshift-settings-listen' AND datname = current_database()
                  AND state = 'idle' AND query LIKE 'LISTEN%'`,
            )
          ).rows[0]?.n,
        );
      await eventually(async () => (await listening()) >= 3, {
        intervalMs: 20,
        what: 'three LISTEN connections',
      });
      const { rows } = await admin.query<{ ended: boolean }>(
        `SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity
          WHERE application_name = 'authshift-settings-listen' AND datname = current_database()`,
      );
      expect(rows).to.have.length(3);
    } finally {
      await admin.end();
    }
    expect(await switchAndTime('users')).to.be.at.most(BOUND_MS);
  });
});
