/**
 * Behind a trusted load balancer (PROXY_TRUST_FORWARDED) the balancer's connection is shared by
 * every client: the login limits must count the client the balancer names, not the balancer, or
 * one client's failures would refuse the owner's right password from everywhere (the lockout the
 * per-address budget exists to prevent). The balancer here is this machine's own non-loopback
 * address, since the monolith trusts loopback hops anyway.
 */
import { networkInterfaces } from 'node:os';
import { expect } from 'chai';
import type { Sequelize } from 'sequelize';
import { createSequelize } from '../../src/db/sequelize.js';
import { silentLogger } from '../../src/lib/logger.js';
import { createLegacyUser } from '../helpers/factories.js';
import {
  migratedScratchDatabase,
  startMonolith,
  startProxy,
  type Monolith,
  type ProxyProcess,
} from '../helpers/proxy-stack.js';
import { rawSend } from '../helpers/raw-http.js';

const balancer = Object.values(networkInterfaces())
  .flat()
  .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;

describe('proxy processes: login limits behind a trusted load balancer', function () {
  this.timeout(60_000);
  let db: { url: string; drop(): Promise<void> };
  let sequelize: Sequelize;
  let monolith: Monolith;
  let proxy: ProxyProcess;

  const login = (client: string, email: string, password: string) => {
    const url = new URL(`${proxy.url}/auth/login`);
    url.hostname = balancer!;
    return rawSend(url.href, {
      localAddress: balancer,
      headers: { 'content-type': 'application/json', 'x-forwarded-for': client },
      body: JSON.stringify({ email, password }),
    });
  };

  before(async function () {
    // Without a non-loopback address the balancer cannot be told apart from the proxy's own hop.
    if (!balancer) this.skip();
    db = await migratedScratchDatabase();
    sequelize = createSequelize({ url: db.url, poolMax: 2, logger: silentLogger() });
    monolith = await startMonolith(db.url, undefined, {
      RATE_LIMIT_LOGIN_FAILURES_PER_ACCOUNT: '3/900',
    });
    proxy = await startProxy(db.url, {
      PORT: String(monolith.port),
      PROXY_HOST: '0.0.0.0',
      PROXY_TRUST_FORWARDED: 'true',
    });
  });
  after(async () => {
    await Promise.all([proxy?.proc.stop(), monolith?.proc.stop()]);
    await sequelize?.close();
    await db?.drop();
  });

  it("when one client behind the balancer exhausts its budget, then it is refused and the owner's right password from another client works", async () => {
    const user = await createLegacyUser(sequelize);
    for (let i = 0; i < 3; i += 1)
      expect((await login('198.51.100.7', user.email, 'wrong-password')).status).to.equal(401);
    expect((await login('198.51.100.7', user.email, user.password)).status).to.equal(429);
    const owner = await login('203.0.113.9', user.email, user.password);
    expect(owner.status, owner.text).to.equal(200);
  });
});
