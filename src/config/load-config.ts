import { deepFreeze, parseEnv, type Env as RawEnv } from '../lib/config/env-config.js';
import type { OAuthProviderConfig } from './oauth-providers.js';
import { envSchema, productionProblems, type Env } from './schema.js';

export interface RateRule {
  max: number;
  windowSeconds: number;
}

/** The monolith's typed, nested, frozen configuration. Only entry points call loadConfig. */
export interface Config {
  env: Env['NODE_ENV'];
  logLevel: Env['LOG_LEVEL'];
  http: { host: string; port: number; trustProxy: string };
  database: {
    url: string | undefined;
    poolMax: number;
    embedded: { port: number; dataDir: string };
  };
  /** Hashing threads; `threads` undefined = one per core plus one. */
  passwordHashing: { threads: number | undefined; nice: number };
  legacy: {
    sessionSecret: string;
    cookieSecure: boolean;
    sessionMaxAgeSeconds: number;
    bcryptRounds: number;
  };
  fuAuth: {
    jwtSecret: string;
    resetPasswordTokenSecret: string;
    verificationTokenSecret: string;
    jwtLifetimeSeconds: number;
    resetPasswordTokenLifetimeSeconds: number;
    verificationTokenLifetimeSeconds: number;
    cookieSecure: boolean;
    cookieMaxAgeSeconds: number;
    dbTokenLifetimeSeconds: number;
    requiresVerification: boolean;
    passwordPolicy: { minLength: number; forbidEmail: boolean };
    /** The contract's deliberate deviations from fastapi-users, each switchable back. */
    compat: { unknownHash: 'bad_credentials' | 'error'; patchNullFields: 'ignore' | 'reject' };
    argon2: { memoryCost: number; timeCost: number; parallelism: number };
    legacyWriteBack: boolean;
    userStoreRefreshMs: number;
    rateLimit: {
      enabled: boolean;
      loginPerIp: RateRule;
      /** Failures per (account, client address): that address is refused past it. */
      loginFailuresPerAccount: RateRule;
      /** Failures per account from every address: past it, attempts are slowed, never refused. */
      loginSlowdownPerAccount: RateRule;
      loginSlowdownMaxMs: number;
      registerPerIp: RateRule;
      forgotPerIp: RateRule;
      forgotPerAccount: RateRule;
    };
  };
  /** The routing claim cookie (docs/proxy.md, "Routing claim"). */
  routing: { secret: string; previousSecret: string | undefined; claimTtlSeconds: number };
  /** OpenID Connect sign-in on `/fu_auth` (fastapi-users' OAuth routers), one entry per provider. */
  oauth: { stateSecret: string; providers: OAuthProviderConfig[] };
  mail: { publicUrl: string; smtpUrl: string | undefined; from: string; outboxDir: string };
  cutover: { smokeUrl: string; propagationMs: number; batchSize: number };
  snapshots: { keepAutomatic: number };
}

export function loadConfig(env: RawEnv): Config {
  return deepFreeze(toConfig(parseEnv(envSchema, env, productionProblems)));
}

function toConfig(e: Env): Config {
  return {
    env: e.NODE_ENV,
    logLevel: e.LOG_LEVEL,
    http: { host: e.HOST, port: e.PORT, trustProxy: e.TRUST_PROXY },
    database: {
      url: e.DATABASE_URL,
      poolMax: e.DATABASE_POOL_MAX,
      embedded: { port: e.EMBEDDED_PG_PORT, dataDir: e.DATA_DIR },
    },
    passwordHashing: { threads: e.PASSWORD_HASH_THREADS, nice: e.PASSWORD_HASH_NICE },
    legacy: {
      sessionSecret: e.SESSION_SECRET,
      cookieSecure: e.COOKIE_SECURE ?? e.NODE_ENV === 'production',
      sessionMaxAgeSeconds: e.SESSION_MAX_AGE_SECONDS,
      bcryptRounds: e.LEGACY_BCRYPT_ROUNDS,
    },
    fuAuth: {
      jwtSecret: e.JWT_SECRET,
      resetPasswordTokenSecret: e.RESET_PASSWORD_TOKEN_SECRET,
      verificationTokenSecret: e.VERIFICATION_TOKEN_SECRET,
      jwtLifetimeSeconds: e.JWT_LIFETIME_SECONDS,
      resetPasswordTokenLifetimeSeconds: e.RESET_PASSWORD_TOKEN_LIFETIME_SECONDS,
      verificationTokenLifetimeSeconds: e.VERIFICATION_TOKEN_LIFETIME_SECONDS,
      cookieSecure: e.FU_COOKIE_SECURE,
      cookieMaxAgeSeconds: e.FU_COOKIE_MAX_AGE_SECONDS,
      dbTokenLifetimeSeconds: e.FU_DB_TOKEN_LIFETIME_SECONDS,
      requiresVerification: e.FU_REQUIRES_VERIFICATION,
      passwordPolicy: { minLength: e.PASSWORD_MIN_LENGTH, forbidEmail: e.PASSWORD_FORBID_EMAIL },
      compat: { unknownHash: e.FU_UNKNOWN_HASH, patchNullFields: e.FU_PATCH_NULL_FIELDS },
      argon2: {
        memoryCost: e.ARGON2_MEMORY_KIB,
        timeCost: e.ARGON2_TIME_COST,
        parallelism: e.ARGON2_PARALLELISM,
      },
      legacyWriteBack: e.FU_LEGACY_WRITE_BACK,
      userStoreRefreshMs: e.USER_STORE_REFRESH_MS,
      rateLimit: {
        enabled: e.RATE_LIMIT_ENABLED,
        loginPerIp: e.RATE_LIMIT_LOGIN_PER_IP,
        loginFailuresPerAccount: e.RATE_LIMIT_LOGIN_FAILURES_PER_ACCOUNT,
        loginSlowdownPerAccount: e.RATE_LIMIT_LOGIN_SLOWDOWN_PER_ACCOUNT,
        loginSlowdownMaxMs: e.RATE_LIMIT_LOGIN_SLOWDOWN_MAX_MS,
        registerPerIp: e.RATE_LIMIT_REGISTER_PER_IP,
        forgotPerIp: e.RATE_LIMIT_FORGOT_PER_IP,
        forgotPerAccount: e.RATE_LIMIT_FORGOT_PER_ACCOUNT,
      },
    },
    routing: {
      secret: e.ROUTING_SECRET,
      previousSecret: e.ROUTING_SECRET_PREVIOUS,
      claimTtlSeconds: e.ROUTING_CLAIM_TTL_SECONDS,
    },
    oauth: { stateSecret: e.OAUTH_STATE_SECRET ?? e.JWT_SECRET, providers: e.OAUTH_PROVIDERS },
    mail: {
      publicUrl: e.PUBLIC_URL,
      smtpUrl: e.SMTP_URL,
      from: e.MAIL_FROM,
      outboxDir: e.MAIL_OUTBOX_DIR,
    },
    cutover: {
      smokeUrl: e.CUTOVER_SMOKE_URL,
      propagationMs: e.CUTOVER_PROPAGATION_MS,
      batchSize: e.CUTOVER_BATCH_SIZE,
    },
    snapshots: { keepAutomatic: e.SNAPSHOT_KEEP_AUTOMATIC },
  };
}
