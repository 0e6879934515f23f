/**
 * The migration benchmark (docs/design/design.md, performance table): 1 000 000 seeded legacy users through
 * consolidation (verification included), snapshot and restore, each against the bare SQL
 * statement over the same rows measured in the same run on the same database:
 * - consolidation vs `INSERT INTO copy SELECT * FROM users` (copy has the same indexes), ≤ 1.5×;
 * - snapshot vs `CREATE TABLE … AS SELECT * FROM` the three user tables, ≤ 1.5×;
 * - restore (after every row was damaged) vs `INSERT INTO copy SELECT * FROM` the snapshot, ≤ 1.5×.
 * BENCH_MIGRATION_USERS overrides the count (e.g. for a quick look); BENCH_SNAPSHOT_ROUNDS the
 * snapshot's alternating rounds (default 3, best of each side kept).
 */
import { QueryTypes, type Sequelize } from 'sequelize';
import { createConsolidator } from '../src/consolidation/consolidator.js';
import { applyDedupe } from '../src/cutover/dedupe.js';
import { verifyConsolidation } from '../src/cutover/verify-consolidation.js';
import { createMigrator, createSeeder } from '../src/db/migrator.js';
import { createSequelize } from '../src/db/sequelize.js';
import { runDemoSeeder } from '../src/demo/run-demo-seeder.js';
import { silentLogger } from '../src/lib/logger.js';
import { createSnapshotService } from '../src/snapshot/snapshot-service.js';
import { snapshotRelation } from '../src/snapshot/snapshot-sql.js';
import { ratioResult, type BenchResult } from './report.js';
import { benchDatabase } from './support/bench-database.js';

const seconds = async (work: () => Promise<unknown>): Promise<number> => {
  const started = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - started) / 1e9;
};

async function bareInsert(sequelize: Sequelize, from: string): Promise<number> {
  await sequelize.query('DROP TABLE IF EXISTS bench_anchor');
  await sequelize.query('CREATE TABLE bench_anchor (LIKE users INCLUDING ALL)');
  const took = await seconds(() =>
    sequelize.query(`INSERT INTO bench_anchor SELECT * FROM ${from}`),
  );
  await sequelize.query('DROP TABLE bench_anchor');
  return took;
}

export async function run(): Promise<BenchResult[]> {
  const count = Number(process.env.BENCH_MIGRATION_USERS ?? 1_000_000);
  const database = await benchDatabase();
  const logger = silentLogger();
  const sequelize = createSequelize({ url: database.url, poolMax: 4, logger });
  try {
    await createMigrator({ sequelize, databaseUrl: database.url, logger }).up();
    const seedTook = await seconds(() =>
      runDemoSeeder(
        createSeeder({
          sequelize,
          databaseUrl: database.url,
          logger,
          params: { count: String(count) },
        }),
      ),
    );
    await applyDedupe(sequelize, new Date());
    await sequelize.query('VACUUM ANALYZE users');
    const [{ n } = { n: '0' }] = await sequelize.query<{ n: string }>(
      'SELECT count(*) AS n FROM users',
      {
        type: QueryTypes.SELECT,
      },
    );
    console.log(`seeded ${n} legacy users in ${seedTook.toFixed(1)}s`);

    const insertAnchor = await bareInsert(sequelize, 'users');
    // The breakdown: every phase line the steps print (with its duration), and each step's total.
    const breakdown: string[] = [];
    let stepStarted = 0;
    const consolidator = createConsolidator({
      sequelize,
      databaseUrl: database.url,
      logger,
      params: { batchSize: process.env.CUTOVER_BATCH_SIZE ?? '20000' },
      onEvent: (e) => {
        if (e.event === 'migrating') stepStarted = Date.now();
        if (e.event === 'migrated')
          breakdown.push(`${String(e.name)}: ${Date.now() - stepStarted} ms`);
        if (e.event === 'note' && !/: \d+\/\d+$/.test(String(e.name)))
          breakdown.push(`  ${String(e.name)}`);
      },
    });
    let problems: string[] = [];
    let verification = 0;
    const consolidation = await seconds(async () => {
      await consolidator.up();
      verification = await seconds(async () => {
        problems = (await verifyConsolidation(sequelize, 'cutover')).problems;
      });
    });
    if (problems.length > 0) throw new Error(`verification failed: ${problems.join('; ')}`);
    console.log('consolidation breakdown:');
    for (const line of breakdown) console.log(`  ${line}`);
    console.log(`  verify (npm run cutover's verify step): ${(verification * 1000).toFixed(0)} ms`);

    // Anchor and snapshot alternate, best of each kept: one sample of either (about a second)
    // swings with whatever else the machine runs. The last round's snapshot is the one restored.
    const snapshots = createSnapshotService(sequelize);
    const rounds = Math.max(1, Number(process.env.BENCH_SNAPSHOT_ROUNDS ?? 3));
    let ctasAnchor = Infinity;
    let snapshot = Infinity;
    for (let round = 1; round <= rounds; round += 1) {
      const anchorTook = await seconds(async () => {
        for (const table of ['users', 'fu_users', 'fu_access_tokens'])
          await sequelize.query(`CREATE TABLE bench_ctas_${table} AS SELECT * FROM ${table}`);
      });
      for (const table of ['users', 'fu_users', 'fu_access_tokens'])
        await sequelize.query(`DROP TABLE bench_ctas_${table}`);
      const label = round === rounds ? 'bench' : `bench-${round}`;
      const snapshotTook = await seconds(() => snapshots.create(label));
      if (label !== 'bench') await snapshots.drop(label);
      console.log(
        `snapshot round ${round}: ${snapshotTook.toFixed(2)} s, bare CREATE TABLE … AS ${anchorTook.toFixed(2)} s`,
      );
      ctasAnchor = Math.min(ctasAnchor, anchorTook);
      snapshot = Math.min(snapshot, snapshotTook);
    }

    // A bad change to every row: what a restore is for.
    await sequelize.query(`UPDATE users SET full_name = coalesce(full_name, '') || ' (damaged)'`);
    await sequelize.query('VACUUM ANALYZE users');
    const restoreAnchor = await bareInsert(sequelize, snapshotRelation('bench', 'users'));
    const restore = await seconds(() => snapshots.restore('bench'));

    const common = { unit: 's', lowerIsBetter: true, max: 1.5, target: '≤ 1.50' };
    return [
      ratioResult({
        what: `consolidation of ${n} users (verification included)`,
        anchor: 'bare INSERT … SELECT',
        anchorValue: insertAnchor,
        value: consolidation,
        ...common,
      }),
      ratioResult({
        what: 'snapshot (users, fu_users, fu_access_tokens)',
        anchor: 'bare CREATE TABLE … AS',
        anchorValue: ctasAnchor,
        value: snapshot,
        ...common,
      }),
      ratioResult({
        what: `restore of ${n} damaged users (verified)`,
        anchor: 'bare INSERT … SELECT',
        anchorValue: restoreAnchor,
        value: restore,
        ...common,
      }),
    ];
  } finally {
    await sequelize.close();
    await database.stop();
  }
}
