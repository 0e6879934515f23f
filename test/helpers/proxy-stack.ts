/**
 * Real processes for proxy tests: a migrated scratch database (the rollout policy is global
 * state, so each suite gets its own), the real monolith (src/main.ts) and real proxy processes
 * (proxy/main.ts) on free ports.
 */
import pg from 'pg';
import { createMigrator } from '../../src/db/migrator.js';
import { createSequelize } from '../../src/db/sequelize.js';
import { silentLogger } from '../../src/lib/logger.js';
import { scratchDatabase } from './database.js';
import { eventually } from './eventually.js';
import { freePort, startProcess, waitForHttp, type RunningProcess } from './processes.js';
import { TEST_ENV } from './test-deps.js';

export const ADMIN_TOKEN = 'proxy-test-admin-token-0123456789';
export const OVERRIDE_SECRET = 'proxy-test-override-secret-0123456789';
/** The routing-claim secrets both processes share (docs/proxy.md, "Routing claim"). */
export const ROUTING_SECRET = 'proxy-test-routing-secret-0123456789';
export const ROUTING_SECRET_PREVIOUS = 'proxy-test-previous-routing-secret-0123';
const ROUTING_ENV = { ROUTING_SECRET, ROUTING_SECRET_PREVIOUS };

export async function migratedScratchDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const scratch = await scratchDatabase();
  const logger = silentLogger();
  const sequelize = createSequelize({ url: scratch.url, poolMax: 2, logger });
  try {
    await createMigrator({ sequelize, databaseUrl: scratch.url, logger }).up();
  } finally {
    await sequelize.close();
  }
  return scratch;
}

export interface Monolith {
  proc: RunningProcess;
  port: number;
  url: string;
}

export async function startMonolith(
  databaseUrl: string,
  port?: number,
  env: Record<string, string> = {},
): Promise<Monolith> {
  const p = port ?? (await freePort());
  const proc = startProcess('src/main.ts', {
    ...TEST_ENV,
    DATABASE_URL: databaseUrl,
    PORT: String(p),
    HOST: '127.0.0.1',
    ...ROUTING_ENV,
    ...env,
  });
  const url = `http://127.0.0.1:${p}`;
  await waitForHttp(`${url}/healthz`, proc);
  return { proc, port: p, url };
}

export interface ProxyProcess {
  proc: RunningProcess;
  url: string;
  adminUrl: string;
  admin(path: string, init?: RequestInit): Promise<Response>;
}

export async function startProxy(
  databaseUrl: string,
  env: Record<string, string>,
): Promise<ProxyProcess> {
  const [port, adminPort] = [await freePort(), await freePort()];
  const proc = startProcess('proxy/main.ts', {
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    DATABASE_URL: databaseUrl,
    PROXY_HOST: '127.0.0.1',
    PROXY_PORT: String(port),
    PROXY_ADMIN_PORT: String(adminPort),
    PROXY_ADMIN_TOKEN: ADMIN_TOKEN,
    PROXY_OVERRIDE_SECRET: OVERRIDE_SECRET,
    PROXY_DRAIN_TIMEOUT_MS: '3000',
    ...ROUTING_ENV,
    ...env,
  });
  const adminUrl = `http://127.0.0.1:${adminPort}`;
  await waitForHttp(`${adminUrl}/healthz`, proc);
  return {
    proc,
    url: `http://127.0.0.1:${port}`,
    adminUrl,
    admin: (path, init = {}) =>
      fetch(`${adminUrl}${path}`, {
        ...init,
        headers: {
          authorization: `Bearer ${ADMIN_TOKEN}`,
          'content-type': 'application/json',
          ...(init.headers as Record<string, string> | undefined),
        },
      }),
  };
}

/** Changes the policy with plain SQL through the audited triggers (what any writer does). */
export async function setPolicy(
  databaseUrl: string,
  assignments: string,
  reason = 'test',
): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ version: string }>(
      `UPDATE rollout_policy SET ${assignments}, updated_by = 'test', reason = $1 WHERE id = 1 RETURNING version`,
      [reason],
    );
    return Number(rows[0]!.version);
  } finally {
    await client.end();
  }
}

/** Polls a proxy's readiness until it applies `version` (or fails after `timeoutMs`). */
export async function waitForPolicyVersion(
  proxy: ProxyProcess,
  version: number,
  timeoutMs = 5000,
): Promise<number> {
  const started = Date.now();
  await eventually(
    async () => {
      const res = await fetch(`${proxy.adminUrl}/readyz`);
      const body = (await res.json()) as { policy_version: number };
      return body.policy_version >= version;
    },
    {
      timeoutMs,
      intervalMs: 20,
      what: () => `policy v${version} applied:\n${proxy.proc.output().slice(-2000)}`,
    },
  );
  return Date.now() - started;
}
