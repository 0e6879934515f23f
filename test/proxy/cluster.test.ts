/**
 * Cluster mode (PROXY_WORKERS > 1) with real processes: the workers share the client port, the
 * primary's admin port answers for all of them (metrics, guard window and dashboard series
 * summed, readiness and policy version of the slowest worker), a dead worker is replaced, and
 * SIGTERM drains every worker.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { expect } from 'chai';
import { eventually } from '../helpers/eventually.js';
import { freePort } from '../helpers/processes.js';
import { rawSend } from '../helpers/raw-http.js';
import {
  migratedScratchDatabase,
  setPolicy,
  startProxy,
  waitForPolicyVersion,
  type ProxyProcess,
} from '../helpers/proxy-stack.js';
import { startTinyUpstream, type TinyUpstream } from '../helpers/tiny-upstream.js';

/** An upstream that answers with the port its caller connected from: one per worker's pool. */
async function startPortEchoUpstream() {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end(String(req.socket.remotePort)));
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

/** One request on a connection of its own, so the cluster's round robin spreads them. */
function freshConnectionGet(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

function workerPids(primaryPid: number): number[] {
  return readFileSync(`/proc/${primaryPid}/task/${primaryPid}/children`, 'utf8')
    .trim()
    .split(/\s+/)
    .map(Number)
    .filter((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('proxy/main.ts'));
}

describe('proxy processes: cluster mode (PROXY_WORKERS=2)', function () {
  this.timeout(90_000);
  let db: { url: string; drop(): Promise<void> };
  let echo: Awaited<ReturnType<typeof startPortEchoUpstream>>;
  let tiny: TinyUpstream;
  let p: ProxyProcess;

  const ready = async () => (await fetch(`${p.adminUrl}/readyz`)).status === 200;
  const upstreamPorts = async (requests: number) => {
    const ports = new Set<string>();
    for (let i = 0; i < requests; i++) {
      const res = await freshConnectionGet(`${p.url}/api/port`);
      expect(res.status).to.equal(200);
      ports.add(res.body);
    }
    return ports;
  };

  before(async () => {
    db = await migratedScratchDatabase();
    [echo, tiny] = await Promise.all([startPortEchoUpstream(), startTinyUpstream()]);
    p = await startProxy(db.url, { LEGACY_UPSTREAM_URL: echo.url, PROXY_WORKERS: '2' });
    await eventually(ready, { timeoutMs: 20_000 });
  });
  after(async () => {
    await p?.proc.stop();
    await Promise.all([echo?.close(), tiny?.close()]);
    await db?.drop();
  });

  it('when requests arrive on new connections, then both workers serve them and the primary counts each once', async () => {
    const ports = await upstreamPorts(20);
    expect(ports.size).to.equal(2); // one warm upstream socket per worker
    await eventually(
      async () => {
        const text = await (await p.admin('/metrics')).text();
        return /authshift_proxy_requests_total\{arm="legacy",route="\/api\/\*",status="200"\} 20\n/.test(
          text,
        );
      },
      { timeoutMs: 5000 },
    );
  });

  it('when the policy changes, then every worker applies it within a second', async () => {
    const version = await setPolicy(db.url, 'percent = 12.5');
    const ms = await waitForPolicyVersion(p, version);
    expect(ms).to.be.below(1000);
    const metrics = await (await p.admin('/metrics')).text();
    expect(metrics).to.contain(`authshift_proxy_policy_version ${version}\n`);
    expect(metrics).to.contain('authshift_proxy_policy_percent 12.5\n');
  });

  it('when the admin API changes the policy, then its answer comes after every worker applied it', async () => {
    const res = await p.admin('/api/policy/changes', {
      method: 'POST',
      body: JSON.stringify({ op: 'set_percent', percent: 7, reason: 'cluster test' }),
    });
    const { policy } = (await res.json()) as { policy: { version: number } };
    const readyz = (await (await fetch(`${p.adminUrl}/readyz`)).json()) as {
      policy_version: number;
    };
    expect(readyz.policy_version).to.equal(policy.version);
  });

  it("when the guard and the dashboard's series are asked, then they show every worker's requests", async () => {
    // The guard counts only requests the policy decided for an identified user (a login names one).
    for (let i = 0; i < 24; i++) {
      const res = await rawSend(`${p.url}/auth/login`, {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: `cluster${i}@example.com`, password: 'x' }),
      });
      expect(res.status).to.equal(200);
    }
    await eventually(
      async () => {
        const guard = (await (await p.admin('/api/guard')).json()) as {
          arms: { legacy: { requests: number } };
        };
        const series = (await (await p.admin('/api/timeseries')).json()) as {
          arms: { legacy: { totals: { requests: number } } };
        };
        return guard.arms.legacy.requests >= 24 && series.arms.legacy.totals.requests >= 24;
      },
      { timeoutMs: 3000 },
    );
  });

  it('when a worker dies, then another takes its place and traffic keeps flowing', async () => {
    const [victim, survivor] = workerPids(p.proc.child.pid!);
    expect(survivor).to.be.a('number');
    process.kill(victim!, 'SIGKILL');
    await eventually(
      async () => {
        const pids = workerPids(p.proc.child.pid!);
        return pids.length === 2 && !pids.includes(victim!);
      },
      { timeoutMs: 10_000 },
    );
    await eventually(ready, { timeoutMs: 10_000 });
    expect((await upstreamPorts(10)).size).to.equal(2);
  });

  it('when the primary gets SIGTERM with a request in flight, then every worker drains and it exits 0', async () => {
    const slow = await startProxy(db.url, { LEGACY_UPSTREAM_URL: tiny.url, PROXY_WORKERS: '2' });
    await eventually(async () => (await fetch(`${slow.adminUrl}/readyz`)).status === 200, {
      timeoutMs: 20_000,
    });
    const arrived = tiny.slowReceived();
    const inFlight = fetch(`${slow.url}/slow/700`);
    await eventually(() => tiny.slowReceived() > arrived, {
      intervalMs: 5,
      what: 'the slow request reaches the upstream',
    });
    const stopping = slow.proc.stop();
    const res = await inFlight;
    expect(res.status).to.equal(200);
    expect(await stopping).to.equal(0);
    expect(slow.proc.output().match(/"msg":"drained"/g)).to.have.length(3); // two workers, primary
  });
});
