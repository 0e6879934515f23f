/**
 * The design's "Portable sessions, policy on every request" (docs/design/design.md): the proxy routes
 * a logged-in request by the current policy for the user its signed routing claim names, so deny,
 * kill and percentage changes apply to the user's next request; anything it cannot verify counts
 * for nothing. (The monolith sets the claim once the sessions work lands; here the tests sign it.)
 */
import { expect } from 'chai';
import type { Sequelize } from 'sequelize';
import { createSequelize } from '../../src/db/sequelize.js';
import { signRouteClaim } from '../../src/lib/contracts/route-claim.js';
import { DEV_SECRETS } from '../../src/lib/contracts/dev-secrets.js';
import { canonicalEmail } from '../../src/lib/identity/canonical-email.js';
import { systemClock } from '../../src/lib/clock.js';
import { silentLogger } from '../../src/lib/logger.js';
import { generateJwt } from '../../src/fu-auth/strategies/jwt.js';
import { createLegacyUser, uniqueEmail } from '../helpers/factories.js';
import {
  migratedScratchDatabase,
  ROUTING_SECRET,
  ROUTING_SECRET_PREVIOUS,
  setPolicy,
  startMonolith,
  startProxy,
  waitForPolicyVersion,
  type Monolith,
  type ProxyProcess,
} from '../helpers/proxy-stack.js';
import { rawSend, sessionCookie } from '../helpers/raw-http.js';

const now = () => Math.floor(Date.now() / 1000);
const claimCookie = (email: string, options: { secret?: string; expires?: number } = {}) =>
  `authshift_route=${signRouteClaim(options.secret ?? ROUTING_SECRET, {
    email: canonicalEmail(email),
    expires: options.expires ?? now() + 600,
  })}`;

describe('proxy processes: the policy decides every request (routing claim)', function () {
  this.timeout(60_000);
  let db: { url: string; drop(): Promise<void> };
  let sequelize: Sequelize;
  let monolith: Monolith;
  let proxy: ProxyProcess;

  const apply = async (assignments: string) =>
    waitForPolicyVersion(proxy, await setPolicy(db.url, assignments));
  const change = async (body: Record<string, unknown>) => {
    const res = await proxy.admin('/api/policy/changes', {
      method: 'POST',
      body: JSON.stringify({ ...body, reason: 'routing-claim test' }),
    });
    expect(res.status, await res.clone().text()).to.equal(200);
    const { policy } = (await res.json()) as { policy: { version: number } };
    await waitForPolicyVersion(proxy, policy.version);
  };
  const armFor = async (path: string, headers: Record<string, string>) => {
    const res = await rawSend(`${proxy.url}${path}`, { method: 'GET', headers });
    return res.headers['x-authshift-arm'];
  };

  before(async () => {
    db = await migratedScratchDatabase();
    sequelize = createSequelize({ url: db.url, poolMax: 2, logger: silentLogger() });
    monolith = await startMonolith(db.url);
    proxy = await startProxy(db.url, { PORT: String(monolith.port) });
  });
  after(async () => {
    await Promise.all([proxy?.proc.stop(), monolith?.proc.stop()]);
    await sequelize?.close();
    await db?.drop();
  });
  afterEach(() =>
    apply(
      `percent = 0, killed = false, gate_fu_auth = false, allow_emails = '{}', deny_emails = '{}'`,
    ),
  );

  it('when a user with a valid claim is denied, killed, let back and moved by percentage, then each next request follows', async () => {
    const u = await createLegacyUser(sequelize);
    await apply('percent = 100');
    const loggedIn = await rawSend(`${proxy.url}/auth/login`, {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: u.email, password: u.password }),
    });
    expect(loggedIn.headers['x-authshift-arm']).to.equal('new');
    const session = sessionCookie(loggedIn.headers['set-cookie']);
    const headers = { cookie: `${session}; ${claimCookie(u.email)}` };
    const steps: [Record<string, unknown> | string, string][] = [
      ['percent = 100', 'new'],
      [{ op: 'deny_add', email: u.email }, 'legacy'],
      [{ op: 'deny_remove', email: u.email }, 'new'],
      [{ op: 'kill' }, 'legacy'],
      [{ op: 'unkill' }, 'new'],
      [{ op: 'set_percent', percent: 0 }, 'legacy'],
      [{ op: 'set_percent', percent: 100 }, 'new'],
    ];
    for (const [step, arm] of steps) {
      if (typeof step === 'string') await apply(step);
      else await change(step);
      for (const path of ['/auth/me', '/auth/logout', '/auth/change-password'])
        expect(await armFor(path, headers), `${JSON.stringify(step)} ${path}`).to.equal(arm);
    }
  });

  it('when the claim is tampered with, expired, signed with another secret or names someone else, then the request is decided on what it proves', async () => {
    await apply('percent = 100');
    const email = uniqueEmail('claim');
    const valid = claimCookie(email).slice('authshift_route='.length);
    const [v, payload, expires, mac] = valid.split('.') as [string, string, string, string];
    const flipped = `${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`;
    const forged = [
      `authshift_route=${[v, payload, expires, flipped].join('.')}`,
      `authshift_route=${[v, payload, String(Number(expires) + 60), mac].join('.')}`,
      `authshift_route=${[v, Buffer.from('vip@x.com').toString('base64url'), expires, mac].join('.')}`,
      claimCookie(email, { expires: now() - 1 }),
      claimCookie(email, { secret: 'not-the-routing-secret-at-all' }),
      'authshift_route=garbage',
    ];
    for (const cookie of forged)
      expect(await armFor('/auth/me', { cookie }), cookie).to.equal('legacy');
    expect(await armFor('/auth/me', { cookie: claimCookie(email) })).to.equal('new');
    expect(
      await armFor('/auth/me', { cookie: claimCookie(email, { secret: ROUTING_SECRET_PREVIOUS }) }),
      'a claim signed with ROUTING_SECRET_PREVIOUS',
    ).to.equal('new');
  });

  it('when gate_fu_auth is on, then a valid claim, a verified bearer, reset or verification token opens /fu_auth; forged ones do not', async () => {
    const insider = uniqueEmail('insider');
    await apply(`gate_fu_auth = true, allow_emails = ARRAY['${insider}']`);
    const jwt = (data: Record<string, unknown>, secret: string) =>
      generateJwt(data, secret, 600, systemClock);
    const sub = '6702c6c2-0000-4000-8000-000000000000';
    const open = async (path: string, init: Parameters<typeof rawSend>[1]) => {
      const res = await rawSend(`${proxy.url}${path}`, init);
      return res.text === '{"detail":"Not Found"}' ? 'gate' : res.headers['x-authshift-arm'];
    };
    const json = (body: unknown) => ({
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const bearer = (token: string) => ({
      method: 'GET',
      headers: { authorization: `Bearer ${token}` },
    });
    const access = await jwt({ sub, aud: ['fastapi-users:auth'] }, DEV_SECRETS.JWT_SECRET);
    const reset = await jwt(
      { sub, password_fgpt: 'x', aud: 'fastapi-users:reset' },
      DEV_SECRETS.RESET_PASSWORD_TOKEN_SECRET,
    );
    const verifyToken = (email: string, secret: string = DEV_SECRETS.VERIFICATION_TOKEN_SECRET) =>
      jwt({ sub, email, aud: 'fastapi-users:verify' }, secret);

    expect(
      await open('/fu_auth/users/me', { method: 'GET', headers: { cookie: claimCookie(insider) } }),
    ).to.equal('new');
    expect(
      await open('/fu_auth/users/me', {
        method: 'GET',
        headers: { cookie: claimCookie('out@example.com') },
      }),
    ).to.equal('gate');
    expect(await open('/fu_auth/users/me', bearer(access))).to.equal('new');
    expect(
      await open(
        '/fu_auth/users/me',
        bearer(await jwt({ sub, aud: ['fastapi-users:auth'] }, 'some-other-secret-0123456789')),
      ),
    ).to.equal('gate');
    expect(await open('/fu_auth/users/me', bearer(reset)), 'a reset token is no bearer').to.equal(
      'gate',
    );
    expect(
      await open('/fu_auth/reset-password', json({ token: reset, password: 'long-enough-1' })),
    ).to.equal('new');
    expect(
      await open('/fu_auth/reset-password', json({ token: access, password: 'long-enough-1' })),
    ).to.equal('gate');
    expect(await open('/fu_auth/verify', json({ token: await verifyToken(insider) }))).to.equal(
      'new',
    );
    expect(
      await open('/fu_auth/verify', json({ token: await verifyToken('out@example.com') })),
    ).to.equal('gate');
    expect(
      await open(
        '/fu_auth/verify',
        json({ token: await verifyToken(insider, 'some-other-secret-0123456789') }),
      ),
    ).to.equal('gate');
  });
});
