import type { RequestListener } from 'node:http';
import { createApp } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config/load-config.js';
import { buildDeps, type AppDeps, type DepsOverrides } from '../../src/deps.js';
import { silentLogger } from '../../src/lib/logger.js';
import { testDatabaseUrl } from './database.js';
import { TEST_OUTBOX_DIR } from './test-outbox.js';

/**
 * A valid Config for tests without touching process.env. Hashing is cheap here (small argon2
 * and bcrypt costs); tests about the production parameters pass their own.
 */
export const TEST_ENV: Record<string, string> = {
  NODE_ENV: 'test',
  LOG_LEVEL: 'silent',
  LEGACY_BCRYPT_ROUNDS: '4',
  ARGON2_MEMORY_KIB: '1024',
  ARGON2_TIME_COST: '1',
  ARGON2_PARALLELISM: '1',
  FU_COOKIE_SECURE: 'false',
  // Every test logs in from 127.0.0.1: the rate-limit tests set their own limits and client IPs.
  RATE_LIMIT_LOGIN_PER_IP: '1000000/60',
  RATE_LIMIT_FORGOT_PER_IP: '1000000/60',
  RATE_LIMIT_REGISTER_PER_IP: '1000000/60',
  RATE_LIMIT_FORGOT_PER_ACCOUNT: '1000/60',
  MAIL_OUTBOX_DIR: TEST_OUTBOX_DIR,
};

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({ ...TEST_ENV, DATABASE_URL: testDatabaseUrl(), ...overrides });
}

/**
 * Real Sequelize on the test database, wired but not started (as buildDeps): a test that needs
 * the user-store follower awaits `deps.start()`; callers close it in after().
 */
export function buildTestDeps(
  options: { env?: Record<string, string>; databaseUrl?: string } & DepsOverrides = {},
): AppDeps {
  const config = testConfig(options.env);
  return buildDeps(config, options.databaseUrl ?? testDatabaseUrl(), {
    logger: options.logger ?? silentLogger(),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.hasher ? { hasher: options.hasher } : {}),
    ...(options.fuHooks ? { fuHooks: options.fuHooks } : {}),
  });
}

/**
 * Mocha hooks for a suite that needs the app: real deps built and started in before(), closed in
 * after().
 * Read `ctx.app` / `ctx.deps` inside tests (they are set once the hooks have run).
 */
export function useTestApp(options: Parameters<typeof buildTestDeps>[0] = {}): {
  deps: AppDeps;
  app: RequestListener;
} {
  const ctx = {} as { deps: AppDeps; app: RequestListener };
  before(async () => {
    ctx.deps = buildTestDeps(options);
    ctx.app = createApp(ctx.deps);
    await ctx.deps.start();
  });
  after(() => ctx.deps.close());
  return ctx;
}
