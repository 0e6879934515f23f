/**
 * A reference, not a product: the least a Node reverse proxy can do (node:http server, one
 * keep-alive agent, pipe both ways, no policy, no metrics). Run in the proxy benchmark as a
 * same-run anchor that shows how much of the gap to nginx is Node's HTTP stack itself. With
 * BENCH_WORKERS > 1 it runs that many node:cluster workers, like the proxy's PROXY_WORKERS.
 */
import cluster from 'node:cluster';
import http from 'node:http';

const workers = Number(process.env.BENCH_WORKERS ?? 1);

if (cluster.isPrimary && workers > 1) {
  for (let i = 0; i < workers; i++) cluster.fork();
  process.on('SIGTERM', () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    cluster.on('exit', () => Object.keys(cluster.workers ?? {}).length === 0 && process.exit(0));
  });
} else {
  const upstream = Number(process.env.BENCH_UPSTREAM_PORT);
  const agent = new http.Agent({ keepAlive: true, maxFreeSockets: 256 });
  const server = http.createServer((req, res) => {
    const out = http.request(
      {
        host: '127.0.0.1',
        port: upstream,
        path: req.url,
        method: req.method,
        headers: req.headers,
        agent,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on('error', () => res.destroy());
    req.pipe(out);
  });
  server.keepAliveTimeout = 60_000;
  server.listen(Number(process.env.BENCH_BARE_PORT), '127.0.0.1', () => process.send?.('ready'));
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}
