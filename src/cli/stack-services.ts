import type { Config } from '../config/load-config.js';

export interface StackService {
  name: string;
  /** Entry module, relative to src/cli/. */
  entry: string;
  env: Record<string, string>;
  banner: string[];
  /** Answers 200 once the service serves: the banner waits for every one of them. */
  readyUrl: string;
}

/** Where a service bound to `host` can be reached from this machine. */
function localHost(host: string | undefined): string {
  if (!host || host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/** The processes `npm start` runs, each its own child process with its own entry point. */
export function stackServices(
  config: Config,
  ext: 'ts' | 'js',
  env: Record<string, string | undefined> = {},
): StackService[] {
  const monolith = `http://localhost:${config.http.port}`;
  const proxyPort = env.PROXY_PORT ?? '8080';
  const adminPort = env.PROXY_ADMIN_PORT ?? '8081';
  return [
    {
      name: 'monolith',
      entry: `../main.${ext}`,
      env: {},
      banner: [`monolith   ${monolith}  (/auth, /fu_auth, /api, /healthz, /readyz)`],
      readyUrl: `http://${localHost(config.http.host)}:${config.http.port}/readyz`,
    },
    {
      name: 'proxy',
      entry: `../../proxy/main.${ext}`,
      env: {},
      banner: [
        `proxy      http://localhost:${proxyPort}  (clients talk to this: /auth split by the rollout policy)`,
        `admin      http://127.0.0.1:${adminPort}  (/api/policy, /metrics, /healthz; Bearer PROXY_ADMIN_TOKEN)`,
        `dashboard  http://127.0.0.1:${adminPort}/dashboard/  (log in with PROXY_ADMIN_TOKEN)`,
        `rollout    npm run rollout -- status | set --percent N | kill | …`,
      ],
      // The admin port's readyz answers once the proxy has loaded the policy and listens.
      readyUrl: `http://${localHost(env.PROXY_ADMIN_HOST)}:${adminPort}/readyz`,
    },
  ];
}
