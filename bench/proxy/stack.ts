/**
 * The processes one configuration of the proxy benchmark measures, all in front of the same
 * upstream and with the same number of processes serving clients: the proxy (plus a second
 * instance for the propagation check), the bare Node pipe proxy and nginx.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitForUrl } from '../../src/lib/http/wait-for-url.js';
import { freePort } from '../../test/helpers/processes.js';
import { startNginxSplit } from './nginx-split.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface Target {
  url: string;
  /** The process (tree) serving it, for CPU per request. */
  pid?: number;
}

export interface ProxyStack {
  workers: number;
  proxy: Target;
  bare: Target;
  nginx?: Target;
  /** Admin URLs of the two proxy instances. */
  admins: string[];
  stop(): Promise<void>;
}

export function startEntry(entry: string, env: Record<string, string>): ChildProcess {
  return fork(path.join(ROOT, entry), [], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, ...env },
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
}

export async function waitFor(url: string): Promise<void> {
  const up = await waitForUrl(url, {
    timeoutMs: 30_000,
    accept: (status) => status >= 200 && status < 300,
  });
  if (!up) throw new Error(`${url} never came up`);
}

export function stopChildren(children: ChildProcess[]): Promise<unknown> {
  return Promise.all(
    children.map(
      (c) =>
        new Promise((r) =>
          c.exitCode !== null ? r(null) : (c.once('exit', r), c.kill('SIGTERM')),
        ),
    ),
  );
}

export async function startProxyStack(options: {
  databaseUrl: string;
  upstreamPort: number;
  workers: number;
  nginx: boolean;
}): Promise<ProxyStack> {
  const { workers, upstreamPort } = options;
  const [pPort, pAdmin, qPort, qAdmin, barePort, nginxPort] = await Promise.all(
    Array.from({ length: 6 }, () => freePort()),
  );
  const proxyEnv = (port: number, admin: number) => ({
    DATABASE_URL: options.databaseUrl,
    LOG_LEVEL: 'warn',
    PROXY_HOST: '127.0.0.1',
    PROXY_PORT: String(port),
    PROXY_ADMIN_PORT: String(admin),
    PROXY_WORKERS: String(workers),
    LEGACY_UPSTREAM_URL: `http://127.0.0.1:${upstreamPort}`,
    NEW_UPSTREAM_URL: `http://127.0.0.1:${upstreamPort}`,
  });
  const children = [
    startEntry('proxy/main.ts', proxyEnv(pPort!, pAdmin!)),
    startEntry('proxy/main.ts', proxyEnv(qPort!, qAdmin!)),
    startEntry('bench/proxy/bare-node-proxy.ts', {
      BENCH_UPSTREAM_PORT: String(upstreamPort),
      BENCH_BARE_PORT: String(barePort),
      BENCH_WORKERS: String(workers),
    }),
  ];
  const admins = [`http://127.0.0.1:${pAdmin}`, `http://127.0.0.1:${qAdmin}`];
  const bare = `http://127.0.0.1:${barePort}/auth/me`;
  // readyz answers 200 once every worker has loaded the policy, i.e. is listening.
  await Promise.all([waitFor(bare), ...admins.map((a) => waitFor(`${a}/readyz`))]);
  const nginx = options.nginx
    ? await startNginxSplit(upstreamPort, nginxPort!, workers)
    : undefined;
  return {
    workers,
    proxy: { url: `http://127.0.0.1:${pPort}/auth/me`, pid: children[0]!.pid },
    bare: { url: bare, pid: children[2]!.pid },
    ...(nginx ? { nginx: { url: `${nginx.url}/auth/me`, pid: nginx.pid } } : {}),
    admins,
    async stop() {
      await nginx?.stop();
      await stopChildren(children);
    },
  };
}
