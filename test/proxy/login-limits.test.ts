/**
 * The legacy login's limits through the real proxy and monolith processes: the proxy forwards the
 * client address (X-Forwarded-For from the connection), so 127.0.0.2 and 127.0.0.3 are distinct
 * clients to the one limiter in PostgreSQL.
 */
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

describe('proxy processes: legacy login limits', function () {
  this.timeout(60_000);
  let db: { url: string; drop(): Promise<void> };
  let sequelize: Sequelize;
  let monolith: Monolith;
  let proxy: ProxyProcess;

  const login = (from: string, email: string, password: string) =>
    rawSend(`${proxy.url}/auth/login`, {
      localAddress: from,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });

  before(async () => {
    db = await migratedScratchDatabase();
    sequelize = createSequelize({ url: db.url, poolMax: 2, logger: silentLogger() });
    monolith = await startMonolith(db.url, undefined, {
      RATE_LIMIT_LOGIN_FAILURES_PER_ACCOUNT: '5/900',
    });
    proxy = await startProxy(db.url, { PORT: String(monolith.port) });
  });
  after(async () => {
    await Promise.all([proxy?.proc.stop(), monolith?.proc.stop()]);
    await sequelize?.close();
    await db?.drop();
  });

  it('when 20 wrong passwords for one account arrive at once from one address, then at most 5 are evaluated (401) and the rest get 429', async () => {
    const user = await createLegacyUser(sequelize);
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => login('127.0.0.2', user.email, 'wrong-password')),
    );
    const statuses = answers.map((res) => res.status);
    expect(statuses.filter((s) => s === 401)).to.have.length(5);
    expect(statuses.filter((s) => s === 429)).to.have.length(15);
    const refused = answers.find((res) => res.status === 429)!;
    expect(refused.text).to.equal('{"error":"too_many_requests"}');
    expect(refused.headers['retry-after']).to.match(/^\d+$/);
  });

  it("when one address fails 12 times, then it is refused, and the owner's right password from another address works", async () => {
    const user = await createLegacyUser(sequelize);
    for (let i = 0; i < 12; i += 1) await login('127.0.0.4', user.email, 'wrong-password');
    expect((await login('127.0.0.4', user.email, user.password)).status).to.equal(429);
    const owner = await login('127.0.0.3', user.email, user.password);
    expect(owner.status, owner.text).to.equal(200);
    expect((JSON.parse(owner.text) as { user: { email: string } }).user.email).to.equal(user.email);
  });
});
