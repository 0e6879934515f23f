import { z } from 'zod';
import { DEV_SECRETS } from '../lib/contracts/dev-secrets.js';
import {
  boolFlag,
  logLevel,
  optionalBoolFlag,
  nodeEnv,
  port,
  positiveInt,
  rateRule,
  url,
} from '../lib/config/env-types.js';
import { oauthProductionProblems, oauthProviders } from './oauth-providers.js';

/**
 * Development-only secrets. They let `npm start` work on a fresh clone; production refuses them
 * (see `insecureDefaults`).
 */
export const DEFAULT_SECRETS = {
  SESSION_SECRET: DEV_SECRETS.SESSION_SECRET,
  JWT_SECRET: DEV_SECRETS.JWT_SECRET,
  RESET_PASSWORD_TOKEN_SECRET: DEV_SECRETS.RESET_PASSWORD_TOKEN_SECRET,
  VERIFICATION_TOKEN_SECRET: DEV_SECRETS.VERIFICATION_TOKEN_SECRET,
  ROUTING_SECRET: DEV_SECRETS.ROUTING_SECRET,
} as const;

/** Secret variables with no default: checked in production only when they are set. */
const OPTIONAL_SECRETS = ['ROUTING_SECRET_PREVIOUS', 'OAUTH_STATE_SECRET'] as const;

const secret = (name: keyof typeof DEFAULT_SECRETS) =>
  z.string().min(16, 'must be at least 16 characters').default(DEFAULT_SECRETS[name]);

/** Every environment variable the monolith reads: name, default, coercion, constraint. */
export const envSchema = z.object({
  NODE_ENV: nodeEnv,
  LOG_LEVEL: logLevel,
  HOST: z.string().default('0.0.0.0'),
  PORT: port(3000),
  TRUST_PROXY: z.string().default('loopback'),

  DATABASE_URL: url(['postgres', 'postgresql']).optional(),
  DATABASE_POOL_MAX: positiveInt(10),
  EMBEDDED_PG_PORT: port(5433),
  DATA_DIR: z.string().default('.data'),

  SESSION_SECRET: secret('SESSION_SECRET'),
  // `Secure` on the legacy session cookie, the facade cookie and the routing claim. Unset: on in
  // production, off otherwise. COOKIE_SECURE=false is the explicit opt-out for a deployment whose
  // TLS terminator forwards plain HTTP without an X-Forwarded-Proto the monolith trusts
  // (express-session does not set a Secure cookie on a request it sees as plain HTTP).
  COOKIE_SECURE: optionalBoolFlag,
  SESSION_MAX_AGE_SECONDS: positiveInt(14 * 24 * 3600),
  LEGACY_BCRYPT_ROUNDS: positiveInt(12).pipe(z.number().min(4).max(15)),

  JWT_SECRET: secret('JWT_SECRET'),
  RESET_PASSWORD_TOKEN_SECRET: secret('RESET_PASSWORD_TOKEN_SECRET'),
  VERIFICATION_TOKEN_SECRET: secret('VERIFICATION_TOKEN_SECRET'),
  JWT_LIFETIME_SECONDS: positiveInt(3600),
  RESET_PASSWORD_TOKEN_LIFETIME_SECONDS: positiveInt(3600),
  VERIFICATION_TOKEN_LIFETIME_SECONDS: positiveInt(3600),
  FU_COOKIE_SECURE: boolFlag(true),
  FU_COOKIE_MAX_AGE_SECONDS: positiveInt(3600),
  FU_DB_TOKEN_LIFETIME_SECONDS: positiveInt(3600),
  FU_REQUIRES_VERIFICATION: boolFlag(false),
  // Password policy (a deliberate deviation: fastapi-users validates nothing by default).
  // PASSWORD_MIN_LENGTH=0 with PASSWORD_FORBID_EMAIL=false restores upstream's "accept anything".
  PASSWORD_MIN_LENGTH: z.coerce
    .number({ error: 'must be a whole number (0 turns the length rule off)' })
    .int('must be a whole number (0 turns the length rule off)')
    .min(0, 'must be 0 or more (0 turns the length rule off)')
    .default(8),
  PASSWORD_FORBID_EMAIL: boolFlag(true),
  // The contract's other deviations, each switchable back to upstream's behaviour: a stored hash
  // in an unknown format answers 400 LOGIN_BAD_CREDENTIALS (upstream: 500), and explicit nulls in
  // PATCH /users bodies count as "not provided" (upstream: 500; `reject` answers 422 instead).
  FU_UNKNOWN_HASH: z
    .enum(['bad_credentials', 'error'], { error: 'must be bad_credentials or error' })
    .default('bad_credentials'),
  FU_PATCH_NULL_FIELDS: z
    .enum(['ignore', 'reject'], { error: 'must be ignore or reject' })
    .default('ignore'),
  ARGON2_MEMORY_KIB: positiveInt(65536),
  ARGON2_TIME_COST: positiveInt(3),
  ARGON2_PARALLELISM: positiveInt(4),
  // Password hashing runs on its own threads (src/passwords/hash-pool.ts): how many at once
  // (unset: one per core plus one) and how much lower than the event loop they run (Linux nice, 0–19).
  PASSWORD_HASH_THREADS: z.coerce
    .number({ error: 'must be a positive integer' })
    .int('must be an integer')
    .positive('must be greater than 0')
    .optional(),
  PASSWORD_HASH_NICE: z.coerce
    .number({ error: 'must be an integer from 0 to 19' })
    .int('must be an integer from 0 to 19')
    .min(0, 'must be an integer from 0 to 19')
    .max(19, 'must be an integer from 0 to 19')
    .default(10),
  // Invariant 3: mirror every new-engine write into `users` while the legacy engine may come back.
  FU_LEGACY_WRITE_BACK: boolFlag(true),
  // The routing claim (`authshift_route`, src/lib/contracts/route-claim.ts): shared with the
  // proxy, which verifies it. A claim signed with the previous secret is still accepted by the
  // proxy during a rotation; the monolith signs with ROUTING_SECRET only and re-signs old claims.
  ROUTING_SECRET: secret('ROUTING_SECRET'),
  ROUTING_SECRET_PREVIOUS: z.string().min(16, 'must be at least 16 characters').optional(),
  ROUTING_CLAIM_TTL_SECONDS: z.coerce
    .number({ error: 'must be a whole number of seconds, at least 60' })
    .int('must be a whole number of seconds, at least 60')
    .min(60, 'must be a whole number of seconds, at least 60')
    .default(3600),
  // Fallback re-read of the `user_store` setting (LISTEN/NOTIFY is the fast path).
  USER_STORE_REFRESH_MS: positiveInt(500),
  // npm run cutover / rollback: where smoke tests go (the proxy), how long instances get to follow
  // a user_store switch, and the keyset batch size of data steps.
  CUTOVER_SMOKE_URL: url(['http', 'https']).default('http://127.0.0.1:8080'),
  CUTOVER_PROPAGATION_MS: positiveInt(1500),
  CUTOVER_BATCH_SIZE: positiveInt(20000),
  // Automatic snapshots (taken by cutover, dedupe, reconcile) kept; older ones are dropped when a
  // new one is taken. Manual snapshots are never dropped automatically.
  SNAPSHOT_KEEP_AUTOMATIC: positiveInt(5),

  // Login, registration and forgot-password throttling on both engines and the facade
  // (docs/security.md "Rate limits and lockout"), counted in PostgreSQL so every instance shares
  // the counts. An office behind one IP must not notice it.
  RATE_LIMIT_ENABLED: boolFlag(true),
  RATE_LIMIT_LOGIN_PER_IP: rateRule('300/60'),
  // Failed logins for one account from one client address: that address is refused (429).
  RATE_LIMIT_LOGIN_FAILURES_PER_ACCOUNT: rateRule('10/900'),
  // Failed logins for one account from all addresses together: past MAX, every attempt on the
  // account waits a doubling delay (up to RATE_LIMIT_LOGIN_SLOWDOWN_MAX_MS), never a lock.
  RATE_LIMIT_LOGIN_SLOWDOWN_PER_ACCOUNT: rateRule('50/3600'),
  RATE_LIMIT_LOGIN_SLOWDOWN_MAX_MS: positiveInt(8000),
  RATE_LIMIT_REGISTER_PER_IP: rateRule('30/60'),
  RATE_LIMIT_FORGOT_PER_IP: rateRule('60/60'),
  RATE_LIMIT_FORGOT_PER_ACCOUNT: rateRule('5/900'),

  // Sign-in with OpenID Connect providers (src/config/oauth-providers.ts); none by default. The
  // state tokens of the OAuth flow are signed with OAUTH_STATE_SECRET, else with JWT_SECRET.
  OAUTH_PROVIDERS: oauthProviders,
  OAUTH_STATE_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),

  PUBLIC_URL: url(['http', 'https']).default('http://localhost:8080'),
  SMTP_URL: url(['smtp', 'smtps']).optional(),
  MAIL_FROM: z.string().default('authshift <no-reply@authshift.local>'),
  MAIL_OUTBOX_DIR: z.string().default('.data/outbox'),
});

export type Env = z.output<typeof envSchema>;

const PUBLIC_VALUES: ReadonlySet<string> = new Set(Object.values(DEV_SECRETS));

/**
 * SECURITY: production must never run on the secrets that ship in this repository — neither a
 * variable's own development default nor any other (every development secret is public).
 */
export function productionProblems(env: Record<string, string | undefined>): string[] {
  if (env.NODE_ENV !== 'production') return [];
  const isPublic = (value: string | undefined) => value !== undefined && PUBLIC_VALUES.has(value);
  const problems = (Object.keys(DEFAULT_SECRETS) as (keyof typeof DEFAULT_SECRETS)[])
    .filter((name) => env[name] === undefined || isPublic(env[name]))
    .map((name) => `${name}: is unset or a development default; production needs a real secret`);
  for (const name of OPTIONAL_SECRETS.filter((n) => isPublic(env[n])))
    problems.push(`${name}: is a development default; production needs a real secret`);
  // The embedded PostgreSQL is a development convenience, never a production database.
  if (env.DATABASE_URL === undefined) problems.push('DATABASE_URL: is required in production');
  const providers = oauthProviders.safeParse(env.OAUTH_PROVIDERS);
  if (providers.success) problems.push(...oauthProductionProblems(providers.data));
  return problems;
}
