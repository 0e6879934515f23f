/**
 * buildProxyDeps(config): the proxy's one composition root. It creates the database pool, the
 * policy repository and store, the metrics registry, the guard, the dashboard's time series, the
 * migration-state reader, the clock and the logger. Building only wires: it connects to nothing
 * until the entry point calls `start()` (the policy store's first read and LISTEN); `close()`
 * ends what start began and the pool.
 */
import os from 'node:os';
import pg from 'pg';
import { systemClock, type Clock } from '../src/lib/clock.js';
import { createLogger, type Logger } from '../src/lib/logger.js';
import { createMigrationState, type MigrationState } from './admin/migration-state.js';
import type { ProxyConfig } from './config.js';
import { createPolicyRepository, type PolicyRepository } from './control/policy-repository.js';
import { createGuard, type Guard } from './guard/guard.js';
import { createProxyMetrics, type ProxyMetrics } from './metrics.js';
import { createPolicyStore, type PolicyStore } from './policy/policy-store.js';
import { createArmTimeSeries, type ArmTimeSeries } from './timeseries/arm-time-series.js';

export interface ProxyDeps {
  config: ProxyConfig;
  logger: Logger;
  clock: Clock;
  pool: pg.Pool;
  repository: PolicyRepository;
  policyStore: PolicyStore;
  metrics: ProxyMetrics;
  guard: Guard;
  series: ArmTimeSeries;
  migrationState: MigrationState;
  /** host:pid of this process: the dashboard's charts are per instance and say which. */
  instance: string;
  /** The policy store's first read, then it follows changes; never throws (fail-safe policy). */
  start(): Promise<void>;
  close(): Promise<void>;
}

export function buildProxyDeps(
  config: ProxyConfig,
  overrides: { logger?: Logger; clock?: Clock } = {},
): ProxyDeps {
  const logger = overrides.logger ?? createLogger({ level: config.logLevel, name: 'proxy' });
  const clock = overrides.clock ?? systemClock;
  const pool = new pg.Pool({
    connectionString: config.databaseUrl,
    max: 3,
    connectionTimeoutMillis: 2000,
    idleTimeoutMillis: 10_000,
    query_timeout: 5000,
    application_name: 'authshift-proxy',
  });
  // An idle client losing its connection must not crash the proxy: the store keeps serving.
  pool.on('error', (error) => logger.warn({ err: error }, 'policy database connection lost'));
  const repository = createPolicyRepository(pool);
  const metrics = createProxyMetrics();
  const policyStore = createPolicyStore({
    repository,
    databaseUrl: config.databaseUrl,
    refreshMs: config.policyRefreshMs,
    logger,
    onApplied: (policy) => {
      metrics.policyVersion.set(policy.version);
      metrics.policyPercent.set(policy.percent);
      metrics.policyKilled.set(policy.killed ? 1 : 0);
    },
    onReadSuccess: () => metrics.databaseUp.set(1),
    onReadFailure: () => {
      metrics.policyReadFailures.inc();
      metrics.databaseUp.set(0);
    },
  });
  const guard = createGuard({
    settings: config.guard,
    clock,
    logger,
    currentPercent: () => policyStore.current().percent,
    setPercentToZero: async (reason) => {
      await repository.change({ op: 'set_percent', percent: 0 }, { actor: 'guard', reason });
      await policyStore.refresh();
    },
    onTrip: () => metrics.guardTrips.inc(),
  });
  return {
    config,
    logger,
    clock,
    pool,
    repository,
    policyStore,
    metrics,
    guard,
    series: createArmTimeSeries(clock),
    migrationState: createMigrationState(pool, clock),
    instance: `${os.hostname()}:${process.pid}`,
    start: () => policyStore.start(),
    async close() {
      await guard.settled();
      await policyStore.stop();
      await pool.end();
    },
  };
}
