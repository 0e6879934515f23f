/**
 * The real monolith and two real proxy processes on one (scratch) database: the legacy contract
 * through the proxy, the split and its agreement with SQL and the CLI, cohorts and precedence,
 * routing by the signed claim, the signed override, the gate, and propagation of a change to both
 * instances.
 */
import { expect } from 'chai';
import type { Sequelize } from 'sequelize';
import request from 'supertest';
import { createSequelize } from '../../src/db/sequelize.js';
import { silentLogger } from '../../src/lib/logger.js';
import { signRouteClaim } from '../../src/lib/contracts/route-claim.js';
import { canonicalEmail } from '../../src/lib/identity/canonical-email.js';
import { decideForEmail } from '../../proxy/policy/decide.js';
import { signOverride } from '../../proxy/policy/override.js';
import { legacyContractSuite } from '../contract/legacy-contract.js';
import { createLegacyUser, uniqueEmail } from '../helpers/factories.js';
import { startProcess } from '../helpers/processes.js';
import {
  migratedScratchDatabase,
  OVERRIDE_SECRET,
  ROUTING_SECRET,
  setPolicy,
  startMonolith,
  startProxy,
  waitForPolicyVersion,
  type Monolith,
  type ProxyProcess,
} from '../helpers/proxy-stack.js';
import { readPolicy } from '../helpers/proxy-policy.js';
import { sessionCookie } from '../helpers/raw-http.js';

/** A routing claim as the engines set it (signed in the test until the monolith sets it). */
const claimFor = (email: string) =>
  `authshift_route=${signRouteClaim(ROUTING_SECRET, {
    email: canonicalEmail(email),
    expires: Math.floor(Date.now() / 1000) + 600,
  })}`;

describe('proxy processes: split, control plane and contract', function () {
  this.timeout(60_000);
  let db: { url: string; drop(): Promise<void> };
  let sequelize: Sequelize;
  let monolith: Monolith;
  let a: ProxyProcess;
  let b: ProxyProcess;

  const apply = async (assignments: string) => {
    const version = await setPolicy(db.url, assignments);
    await Promise.all([waitForPolicyVersion(a, version), waitForPolicyVersion(b, version)]);
    return version;
  };
  const login = (
    proxy: ProxyProcess,
    email: string,
    password = 'wrong-password',
    headers: Record<string, string> = {},
  ) =>
    fetch(`${proxy.url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ email, password }),
    });

  before(async () => {
    db = await migratedScratchDatabase();
    sequelize = createSequelize({ url: db.url, poolMax: 2, logger: silentLogger() });
    monolith = await startMonolith(db.url);
    [a, b] = await Promise.all([
      startProxy(db.url, { PORT: String(monolith.port) }),
      startProxy(db.url, { PORT: String(monolith.port) }),
    ]);
  });
  after(async () => {
    await Promise.all([a?.proc.stop(), b?.proc.stop(), monolith?.proc.stop()]);
    await sequelize?.close();
    await db?.drop();
  });

  describe('at 0%', () => {
    before(() => apply('percent = 0'));
    legacyContractSuite({
      name: 'through the proxy at 0%',
      basePath: '/auth',
      app: () => a.url,
      sequelize: () => sequelize,
    });

    it('when any response comes back, then it carries x-authshift-arm (auth, api, unknown and health routes)', async () => {
      for (const path of ['/auth/me', '/api/contacts', '/nope', '/healthz']) {
        const res = await fetch(`${a.url}${path}`);
        expect(res.headers.get('x-authshift-arm'), path).to.equal('legacy');
      }
    });
  });

  for (const percent of [50, 100]) {
    describe(`at ${percent}% (the new engine's facade serves the users the policy moves)`, () => {
      before(() => apply(`percent = ${percent}`));
      after(() => apply('percent = 0'));
      legacyContractSuite({
        name: `through the proxy at ${percent}%`,
        basePath: '/auth',
        app: () => a.url,
        sequelize: () => sequelize,
      });
    });
  }

  it('when a user logged in on the new arm and the percentage drops to 0%, then their next request goes to legacy on both instances (routing claim), and their next login too', async () => {
    await apply('percent = 100');
    const u = await createLegacyUser(sequelize);
    const loggedIn = await request(a.url)
      .post('/auth/login')
      .send({ email: u.email, password: u.password });
    expect(loggedIn.status).to.equal(200);
    expect(loggedIn.headers['x-authshift-arm']).to.equal('new');
    const session = sessionCookie(loggedIn.headers['set-cookie']);
    expect(session).to.match(/^crm\.sid=fu\./);
    const cookie = `${session}; ${claimFor(u.email)}`;
    for (const proxy of [a, b]) {
      const me = await fetch(`${proxy.url}/auth/me`, { headers: { cookie } });
      expect(me.headers.get('x-authshift-arm')).to.equal('new');
      expect(((await me.json()) as { user: { id: number } }).user.id).to.equal(u.id);
    }
    await apply('percent = 0');
    for (const proxy of [a, b]) {
      const me = await fetch(`${proxy.url}/auth/me`, { headers: { cookie } });
      await me.arrayBuffer();
      expect(me.headers.get('x-authshift-arm')).to.equal('legacy');
    }
    // The next login follows the policy again: legacy, which knows the same password.
    const again = await request(a.url)
      .post('/auth/login')
      .send({ email: u.email, password: u.password });
    expect(again.status).to.equal(200);
    expect(again.headers['x-authshift-arm']).to.equal('legacy');
    expect(again.body).to.deep.equal(loggedIn.body);
  });

  it('when the policy changes, then both proxy instances apply it within one second', async () => {
    for (const percent of [5, 10.5, 0]) {
      const version = await setPolicy(db.url, `percent = ${percent}`);
      const [ta, tb] = await Promise.all([
        waitForPolicyVersion(a, version),
        waitForPolicyVersion(b, version),
      ]);
      expect(Math.max(ta, tb), `v${version}`).to.be.below(1000);
    }
  });

  it('when a change is made through one instance admin API, then the other applies it within one second', async () => {
    const res = await a.admin('/api/policy/changes', {
      method: 'POST',
      body: JSON.stringify({ op: 'set_percent', percent: 1, reason: 'via a' }),
    });
    const { policy } = (await res.json()) as { policy: { version: number } };
    expect(await waitForPolicyVersion(b, policy.version)).to.be.below(1000);
  });

  it('when 400 e-mails log in at 25%, then proxy, SQL view and CLI agree on every arm, and the split is near 25%', async () => {
    await apply('percent = 25');
    const emails = Array.from({ length: 400 }, (_, i) =>
      uniqueEmail(`split${i}`, i % 2 ? 'Example.com' : 'corp.test'),
    );
    for (const email of emails.slice(0, 40)) await createLegacyUser(sequelize, { email });
    const viaProxy: string[] = [];
    for (const email of emails) {
      const res = await login(emails.indexOf(email) % 2 ? a : b, email);
      viaProxy.push(res.headers.get('x-authshift-arm')!);
      await res.arrayBuffer();
    }
    const policy = await readPolicy(db.url);
    expect(viaProxy).to.deep.equal(emails.map((e) => decideForEmail(e, policy).arm));
    const [sqlRows] = (await sequelize.query(
      `SELECT e.email, d.arm FROM unnest(ARRAY[:emails]::text[]) e(email) CROSS JOIN rollout_policy p CROSS JOIN LATERAL authshift_rollout_decide(e.email, p) d`,
      { replacements: { emails } },
    )) as [{ email: string; arm: string }[], unknown];
    expect(emails.map((e) => sqlRows.find((r) => r.email === e)!.arm)).to.deep.equal(viaProxy);
    const [viewRows] = (await sequelize.query(
      `SELECT email, arm FROM rollout_assignments WHERE email IN (:some)`,
      {
        replacements: { some: emails.slice(0, 40) },
      },
    )) as [{ email: string; arm: string }[], unknown];
    expect(viewRows).to.have.length(40);
    for (const row of viewRows) expect(row.arm).to.equal(viaProxy[emails.indexOf(row.email)]);
    const explain = startProcess('proxy/cli/rollout.ts', { DATABASE_URL: db.url }, [
      'explain',
      ...emails,
      '--json',
    ]);
    expect(await explain.exited).to.equal(0);
    const answers = JSON.parse(explain.output().trim()) as { arm: string; agree: boolean }[];
    expect(answers.map((x) => x.arm)).to.deep.equal(viaProxy);
    expect(answers.every((x) => x.agree)).to.equal(true);
    const share = viaProxy.filter((arm) => arm === 'new').length / emails.length;
    // The e-mails and the salt are random each run, so the share is binomial: σ ≈ 2.2 points at
    // n = 400, and ±6 points failed about one run in 200. ±11 points (5σ) still catches a wrong
    // percentage; the ±1-point precision is the 10 000 e-mail test's job.
    expect(share).to.be.within(0.14, 0.36);
  });

  it('when cohorts and lists are set, then kill > deny > allow > domain > percentage through the proxy', async () => {
    const [blocked, cohort, outsider] = [
      'blocked@corp.test',
      uniqueEmail('c', 'corp.test'),
      uniqueEmail('o', 'else.test'),
    ];
    await apply(
      `percent = 0, allow_emails = ARRAY['vip@elsewhere.test'], deny_emails = ARRAY['blocked@corp.test'], cohort_domains = ARRAY['corp.test']`,
    );
    const arm = async (email: string) => (await login(a, email)).headers.get('x-authshift-arm');
    expect(await arm('VIP@elsewhere.test')).to.equal('new');
    expect(await arm(blocked)).to.equal('legacy');
    expect(await arm(cohort)).to.equal('new');
    expect(await arm(outsider)).to.equal('legacy');
    await apply('killed = true');
    expect(await arm('vip@elsewhere.test')).to.equal('legacy');
    expect(await arm(cohort)).to.equal('legacy');
    await apply(`killed = false, allow_emails = '{}', deny_emails = '{}', cohort_domains = '{}'`);
  });

  it('when a request carries a session but no routing claim, then it is anonymous (legacy) at any percentage; with a claim it follows the policy, and kill overrides it', async () => {
    await apply('percent = 0');
    const u = await createLegacyUser(sequelize);
    const loggedIn = await request(a.url)
      .post('/auth/login')
      .send({ email: u.email, password: u.password })
      .expect(200);
    // Only the session: whatever routing claim the monolith set with it is left out on purpose.
    const session = sessionCookie(loggedIn.headers['set-cookie']);
    expect(session).to.match(/^crm\.sid=s%3A/);
    await apply('percent = 100');
    const me = await request(a.url).get('/auth/me').set('cookie', session);
    expect(me.status).to.equal(200);
    expect(me.body.user.id).to.equal(u.id);
    expect(me.headers['x-authshift-arm']).to.equal('legacy');
    const arm = async (cookie: string) => {
      const res = await fetch(`${b.url}/auth/me`, { headers: { cookie } });
      await res.arrayBuffer();
      return res.headers.get('x-authshift-arm');
    };
    expect(await arm(session)).to.equal('legacy');
    expect(await arm('crm.sid=fu.some-facade-session')).to.equal('legacy');
    expect(await arm(`${session}; ${claimFor(u.email)}`)).to.equal('new');
    await apply('killed = true');
    expect(await arm(`${session}; ${claimFor(u.email)}`)).to.equal('legacy');
    await apply('killed = false, percent = 0');
  });

  it('when override headers are unsigned or badly signed, then they are ignored and counted; a signed one pins the arm', async () => {
    await apply('percent = 0');
    const email = uniqueEmail('qa');
    const now = Math.floor(Date.now() / 1000);
    const spoofs: Record<string, string>[] = [
      { 'x-authshift-force-arm': 'new' },
      {
        'x-authshift-force-arm': 'new',
        'x-authshift-signature': signOverride('not-the-secret-at-all', 'new', now + 60),
      },
      {
        'x-authshift-force-arm': 'new',
        'x-authshift-signature': signOverride(OVERRIDE_SECRET, 'new', now - 5),
      },
    ];
    for (const headers of spoofs)
      expect((await login(a, email, 'x', headers)).headers.get('x-authshift-arm')).to.equal(
        'legacy',
      );
    const signed = {
      'x-authshift-force-arm': 'new',
      'x-authshift-signature': signOverride(OVERRIDE_SECRET, 'new', now + 60),
    };
    expect((await login(a, email, 'x', signed)).headers.get('x-authshift-arm')).to.equal('new');
    const metrics = await (await a.admin('/metrics')).text();
    for (const why of ['unsigned', 'bad_signature', 'expired'])
      expect(metrics).to.match(
        new RegExp(`authshift_proxy_rejected_overrides_total\\{why="${why}"\\} [1-9]`),
      );
    expect(metrics).to.match(
      /authshift_proxy_decisions_total\{arm="new",reason="override"\} [1-9]/,
    );
  });

  it('when gate_fu_auth is on, then /fu_auth answers 404 {"detail":"Not Found"} to legacy-arm users and passes new-arm users through', async () => {
    await apply(
      `gate_fu_auth = true, percent = 0, allow_emails = ARRAY['gated-in@x.test', 'gated-in@example.com']`,
    );
    const post = (path: string, body: string, type: string, headers: Record<string, string> = {}) =>
      fetch(`${a.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': type, ...headers },
        body,
      });
    const outJson = await post(
      '/fu_auth/register',
      JSON.stringify({ email: 'outside@x.test', password: 'long-enough-1' }),
      'application/json',
    );
    expect(outJson.status).to.equal(404);
    expect(await outJson.json()).to.deep.equal({ detail: 'Not Found' });
    const outForm = await post(
      '/FU_AUTH/jwt/login',
      'username=outside%40x.test&password=x',
      'application/x-www-form-urlencoded',
    );
    expect(outForm.status).to.equal(404);
    expect(await outForm.json()).to.deep.equal({ detail: 'Not Found' });
    const anonymous = await fetch(`${a.url}/fu_auth/users/me`);
    expect(await anonymous.json()).to.deep.equal({ detail: 'Not Found' });
    const outVerify = await post(
      '/fu_auth/request-verify-token',
      JSON.stringify({ email: 'outside@x.test' }),
      'application/json',
    );
    expect(await outVerify.json()).to.deep.equal({ detail: 'Not Found' });
    const noToken = await post('/fu_auth/verify', '{}', 'application/json');
    expect(await noToken.json(), 'a verify body without a token is anonymous').to.deep.equal({
      detail: 'Not Found',
    });
    // A token the proxy cannot verify proves nothing: the request is anonymous (verified reset,
    // verification and access tokens are test/proxy/routing-claim.test.ts's).
    for (const path of ['/fu_auth/reset-password', '/fu_auth/verify']) {
      const res = await post(
        path,
        JSON.stringify({ token: 'not.a.token', password: 'long-enough-1' }),
        'application/json',
        { cookie: 'crm.sid=s%3Alegacy-session.sig' },
      );
      expect(res.status, path).to.equal(404);
      expect(await res.json(), path).to.deep.equal({ detail: 'Not Found' });
    }
    const inVerify = await post(
      '/fu_auth/request-verify-token',
      JSON.stringify({ email: 'gated-in@example.com' }), // .test is a special-use domain to EmailStr
      'application/json',
    );
    expect(inVerify.status).to.equal(202);
    expect(inVerify.headers.get('x-authshift-arm')).to.equal('new');
    // Passed through: whatever the monolith answers, it is not the gate's body.
    for (const res of [
      await post(
        '/fu_auth/jwt/login',
        'username=gated-in%40x.test&password=x',
        'application/x-www-form-urlencoded',
      ),
      await fetch(`${a.url}/fu_auth/users/me`, {
        headers: { cookie: claimFor('gated-in@x.test') },
      }),
    ]) {
      expect(res.headers.get('x-authshift-arm')).to.equal('new');
      expect(await res.text()).not.to.equal('{"detail":"Not Found"}');
    }
    await apply(`gate_fu_auth = false, allow_emails = '{}'`);
    const open = await post(
      '/fu_auth/register',
      JSON.stringify({ email: 'outside@x.test' }),
      'application/json',
    );
    expect(await open.text()).not.to.equal('{"detail":"Not Found"}');
  });
});
