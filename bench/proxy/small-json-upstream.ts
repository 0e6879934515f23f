/**
 * The upstream of the proxy benchmark, run as its own process: a bare node:http server answering
 * every request with a small JSON body, so the proxies in front of it are what is measured.
 */
import { createServer } from 'node:http';

const body = JSON.stringify({
  user: { id: 12, email: 'ann@example.com', full_name: 'Ann Lee', role: 'user' },
});
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.BENCH_UPSTREAM_PORT), '127.0.0.1', () => process.send?.('ready'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
