/**
 * The services `npm start` runs, each a process of its own: what it runs, where it answers, the
 * ports it needs (with the variable that moves each), the code whose change restarts it under
 * `npm run dev`, and how it is stopped. Start order is database → monolith → proxy; the stop
 * order is the reverse, so no service outlives what it depends on.
 */
import { fileURLToPath } from 'node:url';
import type { Config } from '../config/load-config.js';
import type { ProxyConfig } from '../../proxy/config.js';

export interface PortSpec {
  variable: string;
  host: string;
  port: number;
}

export interface ServiceSpec {
  name: 'database' | 'monolith' | 'proxy';
  file: string;
  env: Record<string, string>;
  /** Answers 200 once the service serves; without one, the service sends `{type: 'ready'}`. */
  readyUrl?: string;
  /** Checked before anything starts, so a taken port is named by its variable. */
  ports: PortSpec[];
  /** Folders (relative to the repository) whose changes restart it under `npm run dev`. */
  watch: string[];
  /** Its lines of the banner. */
  banner: string[];
  /** Crashes are restarted; without, its death stops the stack (the database). */
  restart: boolean;
  stopWith: 'SIGTERM' | 'message';
  stopTimeoutMs: number;
}

export const REPOSITORY_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Where a service bound to `host` can be reached from this machine. */
function localHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

function entry(relative: string, ext: 'ts' | 'js'): string {
  return fileURLToPath(new URL(`${relative}.${ext}`, import.meta.url));
}

/** The embedded PostgreSQL (only without DATABASE_URL): stopped last, and never restarted. */
export function databaseService(ext: 'ts' | 'js'): ServiceSpec {
  return {
    name: 'database',
    file: entry('../db/embedded-postgres-service', ext),
    env: {},
    ports: [], // checked by the service itself, once it has dealt with a server left running
    watch: [],
    banner: [],
    restart: false,
    stopWith: 'message',
    stopTimeoutMs: 60_000,
  };
}

export function appServices(
  config: Config,
  proxy: ProxyConfig,
  ext: 'ts' | 'js',
): [ServiceSpec, ServiceSpec] {
  const adminUrl = `http://${localHost(proxy.admin.host)}:${proxy.admin.port}`;
  const drainMs = proxy.drainTimeoutMs;
  return [
    {
      name: 'monolith',
      file: entry('../main', ext),
      env: {},
      readyUrl: `http://${localHost(config.http.host)}:${config.http.port}/readyz`,
      ports: [{ variable: 'PORT', host: config.http.host, port: config.http.port }],
      watch: ['src'],
      banner: [
        `monolith   http://localhost:${config.http.port}  (/auth, /fu_auth, /api, /healthz, /readyz)`,
      ],
      restart: true,
      stopWith: 'SIGTERM',
      stopTimeoutMs: 20_000,
    },
    {
      name: 'proxy',
      file: entry('../../proxy/main', ext),
      env: {},
      // The admin port's readyz answers once the proxy has loaded the policy and listens.
      readyUrl: `${adminUrl}/readyz`,
      ports: [
        { variable: 'PROXY_PORT', host: proxy.listen.host, port: proxy.listen.port },
        { variable: 'PROXY_ADMIN_PORT', host: proxy.admin.host, port: proxy.admin.port },
      ],
      // The architecture test pins that the proxy imports only proxy/ and src/lib/.
      watch: ['proxy', 'src/lib'],
      banner: [
        `proxy      http://localhost:${proxy.listen.port}  (clients talk to this: /auth split by the rollout policy)`,
        `admin      ${adminUrl}  (/api/policy, /metrics, /healthz; Bearer PROXY_ADMIN_TOKEN)`,
        `dashboard  ${adminUrl}/dashboard/`,
        `rollout    npm run rollout -- status | set --percent N | kill | …`,
      ],
      restart: true,
      stopWith: 'SIGTERM',
      stopTimeoutMs: drainMs + 10_000,
    },
  ];
}
