/**
 * The proxy's configuration: one zod schema over the environment, validated once at start-up,
 * every problem reported at once, returned nested and frozen. The rollout policy itself is not
 * configuration: it lives in PostgreSQL (see policy/policy-store.ts).
 */
import { z } from 'zod';
import { DEV_SECRETS } from '../src/lib/contracts/dev-secrets.js';
import { deepFreeze, parseEnv, type Env as RawEnv } from '../src/lib/config/env-config.js';
import {
  boolFlag,
  logLevel,
  nodeEnv,
  port,
  positiveInt,
  url,
} from '../src/lib/config/env-types.js';
import { embeddedUrl } from '../src/lib/pg/embedded-url.js';

/**
 * Development-only secrets; production refuses them (see `productionProblems`). The routing and
 * token secrets are the monolith's, under the same names: the proxy verifies the routing claim and
 * the new engine's tokens the engines sign with them.
 */
export const DEFAULT_PROXY_SECRETS = {
  PROXY_ADMIN_TOKEN: DEV_SECRETS.PROXY_ADMIN_TOKEN,
  PROXY_OVERRIDE_SECRET: DEV_SECRETS.PROXY_OVERRIDE_SECRET,
  ROUTING_SECRET: DEV_SECRETS.ROUTING_SECRET,
  JWT_SECRET: DEV_SECRETS.JWT_SECRET,
  RESET_PASSWORD_TOKEN_SECRET: DEV_SECRETS.RESET_PASSWORD_TOKEN_SECRET,
  VERIFICATION_TOKEN_SECRET: DEV_SECRETS.VERIFICATION_TOKEN_SECRET,
} as const;

const DEV_VALUES: ReadonlySet<string> = new Set(Object.values(DEV_SECRETS));

const secret = (name: keyof typeof DEFAULT_PROXY_SECRETS) =>
  z.string().min(16, 'must be at least 16 characters').default(DEFAULT_PROXY_SECRETS[name]);

const fraction = (fallback: number) =>
  z.coerce
    .number({ error: 'must be a number between 0 and 1' })
    .gt(0, 'must be greater than 0')
    .max(1, 'must be at most 1')
    .default(fallback);

/** Every environment variable the proxy reads: name, default, coercion, constraint. */
export const proxyEnvSchema = z.object({
  NODE_ENV: nodeEnv,
  LOG_LEVEL: logLevel,
  PROXY_HOST: z.string().default('0.0.0.0'),
  PROXY_PORT: port(8080),
  PROXY_ADMIN_HOST: z.string().default('127.0.0.1'),
  PROXY_ADMIN_PORT: port(8081),
  PORT: port(3000),
  LEGACY_UPSTREAM_URL: url(['http']).optional(),
  NEW_UPSTREAM_URL: url(['http']).optional(),
  DATABASE_URL: url(['postgres', 'postgresql']).optional(),
  EMBEDDED_PG_PORT: port(5433),
  PROXY_ADMIN_TOKEN: secret('PROXY_ADMIN_TOKEN'),
  PROXY_OVERRIDE_SECRET: secret('PROXY_OVERRIDE_SECRET'),
  ROUTING_SECRET: secret('ROUTING_SECRET'),
  /** Accepted (never signed with) while a rotation is under way. */
  ROUTING_SECRET_PREVIOUS: z.string().min(16, 'must be at least 16 characters').optional(),
  JWT_SECRET: secret('JWT_SECRET'),
  RESET_PASSWORD_TOKEN_SECRET: secret('RESET_PASSWORD_TOKEN_SECRET'),
  VERIFICATION_TOKEN_SECRET: secret('VERIFICATION_TOKEN_SECRET'),
  PROXY_UPSTREAM_TIMEOUT_MS: positiveInt(30_000),
  PROXY_DRAIN_TIMEOUT_MS: positiveInt(10_000),
  PROXY_WORKERS: positiveInt(1),
  PROXY_ARM_HEADER: boolFlag(true),
  PROXY_TRUST_FORWARDED: boolFlag(false),
  PROXY_RETRY_ON_LEGACY: boolFlag(true),
  PROXY_POLICY_REFRESH_MS: positiveInt(1000),
  PROXY_GUARD_ENABLED: boolFlag(true),
  PROXY_GUARD_WINDOW_SECONDS: positiveInt(60),
  PROXY_GUARD_MIN_REQUESTS: positiveInt(50),
  PROXY_GUARD_ERROR_RATE: fraction(0.2),
  PROXY_DASHBOARD_PERCENT_STEP: z.coerce
    .number({ error: 'must be a number from 0.01 to 100' })
    .min(0.01, 'must be from 0.01 to 100')
    .max(100, 'must be from 0.01 to 100')
    .default(10),
  PROXY_DASHBOARD_SESSION_SECONDS: positiveInt(8 * 3600),
  PROXY_DASHBOARD_LOGIN_MAX_FAILURES: positiveInt(10),
  PROXY_DASHBOARD_LOGIN_WINDOW_SECONDS: positiveInt(300),
});

export type ProxyEnv = z.output<typeof proxyEnvSchema>;

export interface ProxyConfig {
  env: ProxyEnv['NODE_ENV'];
  logLevel: ProxyEnv['LOG_LEVEL'];
  listen: { host: string; port: number };
  admin: { host: string; port: number; token: string };
  upstreams: { legacy: string; new: string };
  databaseUrl: string;
  overrideSecret: string;
  /** What the proxy verifies: routing claims (current secret first) and new-engine tokens. */
  secrets: {
    routing: readonly string[];
    jwt: string;
    resetPasswordToken: string;
    verificationToken: string;
  };
  upstreamTimeoutMs: number;
  drainTimeoutMs: number;
  /** Data-plane processes; above 1 a cluster primary runs the admin port and supervises them. */
  workers: number;
  armHeader: boolean;
  trustForwarded: boolean;
  retryOnLegacy: boolean;
  policyRefreshMs: number;
  guard: { enabled: boolean; windowSeconds: number; minRequests: number; errorRate: number };
  /** A percentage change larger than `percentConfirmStep` points asks the operator to confirm. */
  dashboard: {
    percentConfirmStep: number;
    sessionSeconds: number;
    /** Wrong tokens per client address per window before the login form locks (login-throttle.ts). */
    login: { maxFailures: number; windowSeconds: number };
  };
}

/**
 * SECURITY: production never runs on secrets from this repository nor on the embedded database. A
 * secret equal to ANY development default is refused (another variable's default is as public).
 */
export function productionProblems(env: RawEnv): string[] {
  if (env.NODE_ENV !== 'production') return [];
  const isDev = (value: string | undefined) => value !== undefined && DEV_VALUES.has(value);
  const problems = (Object.keys(DEFAULT_PROXY_SECRETS) as (keyof typeof DEFAULT_PROXY_SECRETS)[])
    .filter((name) => env[name] === undefined || isDev(env[name]))
    .map((name) => `${name}: is unset or a development default; production needs a real secret`);
  if (isDev(env.ROUTING_SECRET_PREVIOUS))
    problems.push('ROUTING_SECRET_PREVIOUS: is a development default');
  if (env.DATABASE_URL === undefined) problems.push('DATABASE_URL: is required in production');
  return problems;
}

export function loadProxyConfig(env: RawEnv): ProxyConfig {
  return deepFreeze(toProxyConfig(parseEnv(proxyEnvSchema, env, productionProblems)));
}

function toProxyConfig(e: ProxyEnv): ProxyConfig {
  const monolith = `http://127.0.0.1:${e.PORT}`;
  return {
    env: e.NODE_ENV,
    logLevel: e.LOG_LEVEL,
    listen: { host: e.PROXY_HOST, port: e.PROXY_PORT },
    admin: { host: e.PROXY_ADMIN_HOST, port: e.PROXY_ADMIN_PORT, token: e.PROXY_ADMIN_TOKEN },
    upstreams: {
      legacy: e.LEGACY_UPSTREAM_URL ?? monolith,
      new: e.NEW_UPSTREAM_URL ?? monolith,
    },
    databaseUrl: e.DATABASE_URL ?? embeddedUrl(e.EMBEDDED_PG_PORT),
    overrideSecret: e.PROXY_OVERRIDE_SECRET,
    secrets: {
      routing: [
        e.ROUTING_SECRET,
        ...(e.ROUTING_SECRET_PREVIOUS ? [e.ROUTING_SECRET_PREVIOUS] : []),
      ],
      jwt: e.JWT_SECRET,
      resetPasswordToken: e.RESET_PASSWORD_TOKEN_SECRET,
      verificationToken: e.VERIFICATION_TOKEN_SECRET,
    },
    upstreamTimeoutMs: e.PROXY_UPSTREAM_TIMEOUT_MS,
    drainTimeoutMs: e.PROXY_DRAIN_TIMEOUT_MS,
    workers: e.PROXY_WORKERS,
    armHeader: e.PROXY_ARM_HEADER,
    trustForwarded: e.PROXY_TRUST_FORWARDED,
    retryOnLegacy: e.PROXY_RETRY_ON_LEGACY,
    policyRefreshMs: e.PROXY_POLICY_REFRESH_MS,
    guard: {
      enabled: e.PROXY_GUARD_ENABLED,
      windowSeconds: e.PROXY_GUARD_WINDOW_SECONDS,
      minRequests: e.PROXY_GUARD_MIN_REQUESTS,
      errorRate: e.PROXY_GUARD_ERROR_RATE,
    },
    dashboard: {
      percentConfirmStep: e.PROXY_DASHBOARD_PERCENT_STEP,
      sessionSeconds: e.PROXY_DASHBOARD_SESSION_SECONDS,
      login: {
        maxFailures: e.PROXY_DASHBOARD_LOGIN_MAX_FAILURES,
        windowSeconds: e.PROXY_DASHBOARD_LOGIN_WINDOW_SECONDS,
      },
    },
  };
}
