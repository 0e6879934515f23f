/**
 * The composition root: the only place that creates Sequelize, pools, repositories and services.
 * Building only wires (no connection, no timer); `start()` begins the background work (the
 * user-store follower's LISTEN, the rate-limit sweep) and `close()` ends it. Entry points call
 * buildDeps(config) then start(); tests call it with overrides (clock, logger, hasher).
 */
import type { Sequelize } from 'sequelize';
import type { RequestHandler } from 'express';
import type { Config } from './config/load-config.js';
import { initModels, type Models } from './db/models/index.js';
import { busyConnections, createSequelize } from './db/sequelize.js';
import { createPreparedRead } from './db/prepared-reads.js';
import { waitUntilQuiet } from './lib/wait-until-quiet.js';
import { transactionWithRetry } from './db/conflict-retry.js';
import { systemClock, type Clock } from './lib/clock.js';
import { createLogger, type Logger } from './lib/logger.js';
import { createHashPool } from './passwords/hash-pool.js';
import {
  createPasswordHasher,
  DEFAULT_HASH_POOL,
  type PasswordHasher,
} from './passwords/password-hasher.js';
import {
  createLegacyUserRepository,
  type LegacyUserRepository,
} from './users/legacy-user-repository.js';
import { createContactRepository, type ContactRepository } from './contacts/contact-repository.js';
import {
  createLegacyAuthService,
  type LegacyAuthService,
  type Transact,
} from './legacy-auth/legacy-auth-service.js';
import { createPassport } from './legacy-auth/passport.js';
import { createSessionMiddleware, createSessionStore } from './legacy-auth/session.js';
import { createReadiness, shippedMigrations, type Readiness } from './health/readiness.js';
import { buildFuAuth, type FuAuth } from './fu-auth/build-fu-auth.js';
import type { FuAuthHooks } from './fu-auth/hooks.js';
import { buildPortableSessions, buildSessionBasics } from './sessions/build-sessions.js';
import type { PortableSessions } from './sessions/portable-sessions.js';
import { createRateLimiter, type RateLimiter } from './rate-limit/rate-limiter.js';
import { createThrottles, type Throttles } from './rate-limit/throttles.js';
import { withVerifyTiming } from './passwords/verify-timing.js';
import { createBackgroundWork, type BackgroundWork } from './lib/background-work.js';
import { createAccounts } from './sessions/accounts.js';
import {
  createLegacySessionReader,
  type LegacySessionReader,
} from './sessions/legacy-session-reader.js';

export interface AppDeps {
  config: Config;
  databaseUrl: string;
  logger: Logger;
  clock: Clock;
  sequelize: Sequelize;
  models: Models;
  hasher: PasswordHasher;
  legacyUsers: LegacyUserRepository;
  contacts: ContactRepository;
  legacyAuth: LegacyAuthService;
  passport: ReturnType<typeof createPassport>;
  session: RequestHandler;
  /** express-session + passport's reading of a legacy session, for src/hot-paths. */
  legacySessions: LegacySessionReader;
  /** Both engines' sessions, honoured everywhere (src/sessions). */
  sessions: PortableSessions;
  fuAuth: FuAuth;
  /** Counts for every rate limit (PostgreSQL), and the limits all login routes share. */
  limiter: RateLimiter;
  throttles: Throttles;
  /** Work a response does not wait for (the e-mails of forgot-password, say); drained on close. */
  background: BackgroundWork;
  readiness: Readiness;
  /** Follows the user-store setting (resolves after its first read) and sweeps rate limits; idempotent. */
  start(): Promise<void>;
  close(): Promise<void>;
}

export interface DepsOverrides {
  logger?: Logger;
  clock?: Clock;
  hasher?: PasswordHasher;
  /** The new engine's hooks; by default they send the forgot-password and verification e-mails. */
  fuHooks?: FuAuthHooks;
}

/** Rate-limit windows older than this are dropped by a background sweep. */
const RATE_LIMIT_PRUNE_MS = 10 * 60 * 1000;

export function buildDeps(
  config: Config,
  databaseUrl: string,
  overrides: DepsOverrides = {},
): AppDeps {
  const logger = overrides.logger ?? createLogger({ level: config.logLevel, name: 'authshift' });
  const clock = overrides.clock ?? systemClock;
  const sequelize = createSequelize({ url: databaseUrl, poolMax: config.database.poolMax, logger });
  const models = initModels(sequelize);
  const hashPool = createHashPool({
    threads: config.passwordHashing.threads ?? DEFAULT_HASH_POOL.threads,
    nice: config.passwordHashing.nice,
  });
  // Every verification is timed, so a failed login can last as long as the slowest kind.
  const timing = withVerifyTiming(
    overrides.hasher ??
      createPasswordHasher(
        { argon2: config.fuAuth.argon2, bcryptRounds: config.legacy.bcryptRounds },
        hashPool,
      ),
  );
  const { hasher } = timing;
  const background = createBackgroundWork(logger);
  const limiter = createRateLimiter({ sequelize, clock });
  let calibrated = false;
  const throttles = createThrottles(limiter, config.fuAuth.rateLimit, {
    failureFloorMs: () => {
      // The first login measures the configured hash kinds, off the request's path.
      if (!calibrated) {
        calibrated = true;
        background.run('calibrating the login timing floor', () => timing.calibrate());
      }
      return timing.floorMs();
    },
  });
  const legacyUsers = createLegacyUserRepository({ models, clock });
  const transact: Transact = (work) => transactionWithRetry(sequelize, work);
  const basics = buildSessionBasics(config, sequelize, clock);
  const fuAuth = buildFuAuth({
    config,
    sequelize,
    databaseUrl,
    clock,
    logger,
    hasher,
    legacyUsers,
    sessions: basics.ender,
    routeClaims: basics.claims,
    readCredentials: basics.readCredentials,
    throttles,
    background,
    ...(overrides.fuHooks ? { hooks: overrides.fuHooks } : {}),
  });
  const legacyAuth = createLegacyAuthService({
    users: legacyUsers,
    hasher,
    transact,
    sessions: basics.ender,
    addresses: fuAuth.addressClaims,
    observers: [fuAuth.legacyObserver],
  });
  const longestWindow = Math.max(
    ...Object.values(config.fuAuth.rateLimit).flatMap((rule) =>
      typeof rule === 'object' ? [rule.windowSeconds] : [],
    ),
  );
  let pruneRateLimits: NodeJS.Timeout | undefined;
  const store = createSessionStore(createPreparedRead(sequelize));
  const session = createSessionMiddleware(store, {
    secret: config.legacy.sessionSecret,
    cookieSecure: config.legacy.cookieSecure,
    maxAgeSeconds: config.legacy.sessionMaxAgeSeconds,
  });
  const accounts = createAccounts({ legacyUsers, store: fuAuth.deps.store });
  // A legacy session's user and its new-engine user come in one read, which the resolver reuses.
  const passport = createPassport(legacyAuth, accounts.sessionUser);
  const sessions = buildPortableSessions({
    config,
    clock,
    basics,
    accounts,
    fuAuth,
    legacySessionChain: [session, passport.initialize(), passport.session()],
  });

  return {
    config,
    databaseUrl,
    logger,
    clock,
    sequelize,
    models,
    hasher,
    legacyUsers,
    contacts: createContactRepository({ models, clock }),
    legacyAuth,
    passport,
    session,
    legacySessions: createLegacySessionReader({
      store,
      secret: config.legacy.sessionSecret,
      passport,
    }),
    sessions,
    fuAuth,
    limiter,
    throttles,
    background,
    readiness: createReadiness(sequelize, shippedMigrations()),
    start() {
      pruneRateLimits ??= setInterval(() => {
        limiter
          .prune(longestWindow)
          .catch((error: unknown) => logger.warn({ err: error }, 'pruning rate limits failed'));
      }, RATE_LIMIT_PRUNE_MS).unref();
      // Until the first read lands the instance serves phase 1 (`fu_users`).
      return fuAuth.userStore.start();
    },
    async close() {
      clearInterval(pruneRateLimits);
      await background.drain();
      store.close();
      await fuAuth.userStore.stop();
      // Requests whose clients hung up still run after the HTTP drain: let them finish first.
      await waitUntilQuiet([
        () => busyConnections(sequelize),
        () => hashPool.stats().running + hashPool.stats().queued,
      ]);
      await Promise.allSettled([sequelize.close(), hashPool.close()]);
    },
  };
}
