/**
 * Past one machine: two monoliths and two proxies (real processes) on one PostgreSQL, as the
 * Kubernetes Deployment and docker-compose run them. Nothing a client or an operator relies on
 * lives in one process: a policy change made on one proxy applies on the other within a second,
 * sessions made through one pair work through the other (legacy and facade), a rate limit counted
 * on one monolith applies on the other, and a dashboard login is accepted by either admin port
 * until a logout on either ends it.
 */
import { expect } from 'chai';
import type { Sequelize } from 'sequelize';
import { createSequelize } from '../../src/db/sequelize.js';
import { signRouteClaim } from '../../src/lib/contracts/route-claim.js';
import { canonicalEmail } from '../../src/lib/identity/canonical-email.js';
import { silentLogger } from '../../src/lib/logger.js';
import { createLegacyUser } from '../helpers/factories.js';
import {
  ADMIN_TOKEN,
  migratedScratchDatabase,
  ROUTING_SECRET,
  startMonolith,
  startProxy,
  waitForPolicyVersion,
  type Monolith,
  type ProxyProcess,
} from '../helpers/proxy-stack.js';

describe('two monoliths and two proxies on one database', function () {
  this.timeout(120_000);
  let db: { url: string; drop(): Promise<void> };
  let sequelize: Sequelize;
  let monoliths: Monolith[] = [];
  let a: ProxyProcess;
  let b: ProxyProcess;

  /** Changes the policy through proxy A's admin API and waits until proxy B applies it. */
  async function changeOnA(change: object): Promise<number> {
    const res = await a.admin('/api/policy/changes', {
      method: 'POST',
      body: JSON.stringify({ ...change, reason: 'multi-instance test' }),
    });
    expect(res.status).to.equal(200);
    const { policy } = (await res.json()) as { policy: { version: number } };
    return waitForPolicyVersion(b, policy.version, 1000);
  }
  const post = (proxy: ProxyProcess, path: string, body: object) =>
    fetch(`${proxy.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  /** The first cookie set, or the one named `name`. */
  const sessionCookie = (res: Response, name?: string) =>
    res.headers
      .getSetCookie()
      .find((c) => name === undefined || c.startsWith(`${name}=`))!
      .split(';')[0]!;
  /** The routing claim the engines set next to a session (signed here until the monolith does). */
  const claimFor = (email: string) =>
    `authshift_route=${signRouteClaim(ROUTING_SECRET, {
      email: canonicalEmail(email),
      expires: Math.floor(Date.now() / 1000) + 600,
    })}`;
  const me = (proxy: ProxyProcess, cookie: string) =>
    fetch(`${proxy.url}/auth/me`, { headers: { cookie } });

  before(async () => {
    db = await migratedScratchDatabase();
    sequelize = createSequelize({ url: db.url, poolMax: 2, logger: silentLogger() });
    const env = { RATE_LIMIT_LOGIN_FAILURES_PER_ACCOUNT: '3/900' };
    monoliths = await Promise.all([
      startMonolith(db.url, undefined, env),
      startMonolith(db.url, undefined, env),
    ]);
    const [first, second] = monoliths.map((m) =>
      startProxy(db.url, { PORT: String(m.port), LOG_LEVEL: 'warn' }),
    );
    [a, b] = await Promise.all([first!, second!]);
  });
  after(async () => {
    await Promise.all([a, b].filter(Boolean).map((p) => p.proc.stop()));
    await Promise.all(monoliths.map((m) => m.proc.stop()));
    await sequelize?.close();
    await db?.drop();
  });

  it('when the policy is changed on proxy A, then proxy B applies it within one second', async () => {
    const took = await changeOnA({ op: 'set_percent', percent: 37 });
    expect(took).to.be.below(1000);
    const explained = await b.admin('/api/explain', {
      method: 'POST',
      body: JSON.stringify({ email: 'someone@x.test' }),
    });
    expect(((await explained.json()) as { threshold: number }).threshold).to.equal(3700);
    await changeOnA({ op: 'set_percent', percent: 0 });
  });

  it('when a legacy session is created through A, then it works through B, and a logout through B ends it on A', async () => {
    const user = await createLegacyUser(sequelize);
    const login = await post(a, '/auth/login', { email: user.email, password: user.password });
    expect(login.status).to.equal(200);
    expect(login.headers.get('x-authshift-arm')).to.equal('legacy');
    const cookie = sessionCookie(login);
    const viaB = await me(b, cookie);
    expect(viaB.status).to.equal(200);
    expect(((await viaB.json()) as { user: { id: number } }).user.id).to.equal(user.id);
    expect(
      (await fetch(`${b.url}/auth/logout`, { method: 'POST', headers: { cookie } })).status,
    ).to.be.below(300);
    expect((await me(a, cookie)).status).to.equal(401);
  });

  it('when a facade session (new engine) is created through A, then it works through B', async () => {
    const user = await createLegacyUser(sequelize);
    await changeOnA({ op: 'allow_add', email: user.email });
    const login = await post(a, '/auth/login', { email: user.email, password: user.password });
    expect(login.status).to.equal(200);
    expect(login.headers.get('x-authshift-arm')).to.equal('new');
    const cookie = sessionCookie(login, 'crm.sid');
    expect(cookie).to.match(/=fu\./);
    // B routes the session by the policy for the user its routing claim names.
    const viaB = await me(b, `${cookie}; ${claimFor(user.email)}`);
    expect(viaB.status).to.equal(200);
    expect(viaB.headers.get('x-authshift-arm')).to.equal('new');
    expect(((await viaB.json()) as { user: { id: number } }).user.id).to.equal(user.id);
  });

  it('when a facade session is created through A and the kill switch is set, then through B the legacy engine honours it: me, contacts, change-password, logout', async () => {
    const user = await createLegacyUser(sequelize);
    await changeOnA({ op: 'allow_add', email: user.email });
    const login = await post(a, '/auth/login', { email: user.email, password: user.password });
    expect(login.headers.get('x-authshift-arm')).to.equal('new');
    const cookie = sessionCookie(login);
    expect(cookie).to.match(/=fu\./);
    await changeOnA({ op: 'kill' });
    try {
      const viaB = await me(b, cookie);
      expect(viaB.headers.get('x-authshift-arm')).to.equal('legacy');
      expect(viaB.status).to.equal(200);
      expect(((await viaB.json()) as { user: { id: number } }).user.id).to.equal(user.id);
      const contacts = await fetch(`${b.url}/api/contacts`, { headers: { cookie } });
      expect(contacts.status).to.equal(200);
      const change = await fetch(`${b.url}/auth/change-password`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json' },
        body: JSON.stringify({ current_password: user.password, new_password: 'after-kill-1' }),
      });
      expect(change.headers.get('x-authshift-arm')).to.equal('legacy');
      expect(change.status).to.equal(204);
      const logout = await fetch(`${b.url}/auth/logout`, { method: 'POST', headers: { cookie } });
      expect(logout.status).to.equal(204);
      expect((await me(a, cookie)).status).to.equal(401);
    } finally {
      await changeOnA({ op: 'unkill' });
    }
  });

  it('when an account fails its logins through A, then B refuses even the right password with 429', async () => {
    const user = await createLegacyUser(sequelize);
    await changeOnA({ op: 'allow_add', email: user.email });
    for (let i = 0; i < 3; i++) {
      const res = await post(a, '/auth/login', { email: user.email, password: 'wrong' });
      expect(res.status).to.equal(401);
    }
    const viaB = await post(b, '/auth/login', { email: user.email, password: user.password });
    expect(viaB.status).to.equal(429);
    expect(viaB.headers.get('retry-after')).to.match(/^\d+$/);
  });

  it('when an operator logs in to the dashboard on A, then the same cookie is accepted by B', async () => {
    const login = await fetch(`${a.adminUrl}/dashboard/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: a.adminUrl },
      body: new URLSearchParams({ token: ADMIN_TOKEN }).toString(),
    });
    expect(login.status).to.equal(303);
    const cookie = sessionCookie(login);
    const policy = await fetch(`${b.adminUrl}/api/policy`, { headers: { cookie } });
    expect(policy.status).to.equal(200);
  });

  it('when an operator logs out of the dashboard on A, then B refuses the old cookie too', async () => {
    const login = await fetch(`${a.adminUrl}/dashboard/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: a.adminUrl },
      body: new URLSearchParams({ token: ADMIN_TOKEN }).toString(),
    });
    const cookie = sessionCookie(login);
    expect((await fetch(`${b.adminUrl}/api/policy`, { headers: { cookie } })).status).to.equal(200);
    const logout = await fetch(`${a.adminUrl}/dashboard/logout`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, origin: a.adminUrl },
    });
    expect(logout.status).to.equal(303);
    expect((await fetch(`${b.adminUrl}/api/policy`, { headers: { cookie } })).status).to.equal(401);
  });
});
