/**
 * nginx with `split_clients` in front of the same upstream: the anchor of the proxy benchmark.
 * Kept on the same footing as the proxy, never weaker:
 * - as many worker processes as the proxy has processes serving clients (PROXY_WORKERS);
 * - keep-alive both ways with no request limit per connection (nginx closes client and upstream
 *   connections after 1000 requests by default; Node's server and agent never do);
 * - no access log (the proxy writes no per-request line at LOG_LEVEL=warn);
 * - the same header work: Host and X-Forwarded-For to the upstream, the arm header back.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { waitForUrl } from '../../src/lib/http/wait-for-url.js';

export async function startNginxSplit(upstreamPort: number, port: number, workers = 1) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'authshift-nginx-'));
  const conf = `
worker_processes ${workers};
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  upstream legacy { server 127.0.0.1:${upstreamPort}; keepalive 128; keepalive_requests 1000000; }
  upstream new { server 127.0.0.1:${upstreamPort}; keepalive 128; keepalive_requests 1000000; }
  split_clients "\${cookie_crm_sid}" $arm { 25% new; * legacy; }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://$arm;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $remote_addr;
      add_header x-authshift-arm $arm;
    }
  }
}`;
  await writeFile(path.join(dir, 'nginx.conf'), conf);
  const child = spawn('nginx', ['-e', `${dir}/error.log`, '-p', dir, '-c', `${dir}/nginx.conf`], {
    stdio: 'ignore',
  });
  const url = `http://127.0.0.1:${port}`;
  // Any answer will do: nginx is up once it answers at all.
  await waitForUrl(url, {
    timeoutMs: 5000,
    intervalMs: 50,
    accept: () => true,
    giveUp: () => child.exitCode !== null,
  });
  if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}`);
  return {
    url,
    pid: child.pid,
    async stop() {
      child.kill('SIGQUIT');
      await new Promise((r) => child.once('exit', r));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
