/**
 * How close Express 5 itself can come to a bare `node:http` handler on this machine, with nothing
 * else in the request (bench/hotpaths/floor-server.ts): an upper bound for any hot-path ratio that
 * keeps Express in the request path. Same load as the hot-path benchmark (autocannon -c32 in its
 * own process, interleaved, best of two rounds). `npx tsx bench/hotpaths/express-floor.ts`
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../test/helpers/processes.js';
import { measure, type Figure } from './load.js';

const SECONDS = Number(process.env.BENCH_HOTPATHS_SECONDS ?? 3);
const SERVER = fileURLToPath(new URL('./floor-server.ts', import.meta.url));

async function start(kind: 'express' | 'bare') {
  const port = await freePort();
  const child = fork(SERVER, [kind, String(port)], { execArgv: ['--import', 'tsx'] });
  await new Promise((resolve) => child.once('message', resolve));
  return { child, url: `http://127.0.0.1:${port}/fu_auth/users/me` };
}

const servers = { express: await start('express'), bare: await start('bare') };
const best: Record<string, Figure | undefined> = {};
try {
  for (let round = 0; round < 2; round++)
    for (const [kind, { child, url }] of Object.entries(servers)) {
      const figure = await measure(url, { pid: child.pid, headers: {}, seconds: SECONDS });
      if (!best[kind] || figure.rps > best[kind].rps) best[kind] = figure;
    }
} finally {
  for (const { child } of Object.values(servers)) child.kill();
}
for (const [kind, f] of Object.entries(best))
  console.log(
    `${kind.padEnd(8)} ${Math.round(f!.rps)} req/s  p99 ${f!.p99Ms} ms  CPU ${f!.cpuUs?.toFixed(0)} µs/req`,
  );
console.log(`ratio ${(best.express!.rps / best.bare!.rps).toFixed(2)}`);
