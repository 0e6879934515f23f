/**
 * The dashboard's server side on a real admin server and a real (scratch) database: login and
 * the session cookie, CSRF refusals, the static files, and the JSON the page draws from
 * (time series, migration state, settings). The page itself runs in test/browser/.
 */
import type { Server } from 'node:http';
import { expect } from 'chai';
import pg from 'pg';
import { manualClock, type Clock } from '../../../src/lib/clock.js';
import { drain, listen } from '../../../src/lib/http/serve.js';
import { silentLogger } from '../../../src/lib/logger.js';
import { createAdminServer } from '../../../proxy/admin/admin-server.js';
import { DASHBOARD_COOKIE, issueDashboardSession } from '../../../proxy/admin/dashboard-session.js';
import { COUNTS_MAX_AGE_MS } from '../../../proxy/admin/migration-state.js';
import { loadProxyConfig } from '../../../proxy/config.js';
import { buildProxyDeps, type ProxyDeps } from '../../../proxy/deps.js';
import { freePort } from '../../helpers/processes.js';
import { slowRequest } from '../../helpers/slow-request.js';
import { ADMIN_TOKEN, migratedScratchDatabase } from '../../helpers/proxy-stack.js';

async function adminServer(env: Record<string, string>, clock?: Clock) {
  const deps = buildProxyDeps(loadProxyConfig({ PROXY_ADMIN_TOKEN: ADMIN_TOKEN, ...env }), {
    logger: silentLogger(),
    ...(clock ? { clock } : {}),
  });
  const server = createAdminServer(deps);
  const port = await listen(server, 0, '127.0.0.1');
  const origin = `http://127.0.0.1:${port}`;
  const call = (path: string, init: RequestInit = {}) =>
    fetch(`${origin}${path}`, { redirect: 'manual', ...init });
  return { deps, server, origin, call };
}

describe('proxy dashboard (admin port)', () => {
  let db: { url: string; drop(): Promise<void> };
  let deps: ProxyDeps;
  let server: Server;
  let origin: string;
  let call: Awaited<ReturnType<typeof adminServer>>['call'];
  let cookie: string;

  const login = (token: string, from = origin) =>
    call('/dashboard/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: from },
      body: new URLSearchParams({ token }).toString(),
    });
  const change = (body: object, headers: Record<string, string>) =>
    call('/api/policy/changes', {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, ...headers },
      body: JSON.stringify(body),
    });
  const fromPage = () => ({ origin, 'x-authshift-dashboard': '1' });

  before(async () => {
    db = await migratedScratchDatabase();
    ({ deps, server, origin, call } = await adminServer({
      DATABASE_URL: db.url,
      PROXY_DASHBOARD_PERCENT_STEP: '5',
    }));
    await deps.start();
  });
  after(async () => {
    await drain(server, 500);
    await deps.close();
    await db.drop();
  });

  it('when the page is opened without a session, then it redirects to the login form', async () => {
    const page = await call('/dashboard/');
    expect(page.status).to.equal(303);
    expect(page.headers.get('location')).to.equal('/dashboard/login');
    expect((await call('/dashboard')).headers.get('location')).to.equal('/dashboard/');
    const form = await call('/dashboard/login');
    expect(form.status).to.equal(200);
    expect(form.headers.get('content-security-policy')).to.contain("script-src 'self'");
    expect(form.headers.get('x-frame-options')).to.equal('DENY');
    expect(await form.text()).to.contain('name="token"');
  });

  it('when the API is called without the token or a session, then it answers 401', async () => {
    for (const path of ['/api/timeseries', '/api/migration', '/api/dashboard/settings']) {
      const res = await call(path);
      expect(res.status, path).to.equal(401);
      expect(await res.json()).to.deep.include({ code: 'ADMIN_UNAUTHORIZED' });
    }
  });

  it('when the wrong token is typed, then the login form comes back with 401 and no cookie', async () => {
    const res = await login(`${ADMIN_TOKEN}x`);
    expect(res.status).to.equal(401);
    expect(res.headers.get('set-cookie')).to.equal(null);
    expect(await res.text()).to.contain('That is not the admin token.');
  });

  it('when the login form is posted from another origin, then it is refused with 403', async () => {
    const res = await login(ADMIN_TOKEN, 'http://evil.test');
    expect(res.status).to.equal(403);
    expect(await res.json()).to.deep.include({ code: 'CROSS_SITE_REQUEST' });
  });

  it('when the right token is typed, then an HttpOnly SameSite=Strict cookie opens the page and the API', async () => {
    const res = await login(ADMIN_TOKEN);
    expect(res.status).to.equal(303);
    expect(res.headers.get('location')).to.equal('/dashboard/');
    const set = res.headers.get('set-cookie')!;
    const [pair, ...attributes] = set.split('; ');
    expect(pair).to.match(/^authshift_admin=v2\.[\w-]{43}\.\d+\.[\w-]{43}$/);
    expect(attributes.sort()).to.deep.equal([
      'HttpOnly',
      'Max-Age=28800',
      'Path=/',
      'SameSite=Strict',
    ]);
    expect(set).not.to.contain(ADMIN_TOKEN);
    cookie = set.split(';')[0]!;
    const page = await call('/dashboard/', { headers: { cookie } });
    expect(page.status).to.equal(200);
    expect(await page.text()).to.contain('/dashboard/js/main.js');
    const policy = await call('/api/policy', { headers: { cookie } });
    expect(policy.status).to.equal(200);
  });

  it('when a cookie-authenticated change lacks the dashboard header or comes from another origin, then it is refused with 403 and nothing changes', async () => {
    const before = deps.policyStore.current().version;
    for (const headers of [
      { origin } as Record<string, string>,
      { origin: 'http://evil.test', 'x-authshift-dashboard': '1' },
      { 'x-authshift-dashboard': '1' },
    ]) {
      const res = await change({ op: 'set_percent', percent: 1, reason: 'csrf' }, headers);
      expect(res.status, JSON.stringify(headers)).to.equal(403);
      expect(await res.json()).to.deep.include({ code: 'CROSS_SITE_REQUEST' });
    }
    expect((await deps.repository.read()).version).to.equal(before);
  });

  it('when the page makes a change, then it is audited with the actor dashboard and the reason', async () => {
    const res = await change({ op: 'set_percent', percent: 3, reason: 'first slice' }, fromPage());
    expect(res.status).to.equal(200);
    const named = await change(
      { op: 'allow_add', email: 'qa@example.com', reason: 'QA first', actor: 'alice' },
      fromPage(),
    );
    expect(named.status).to.equal(200);
    const { entries } = (await deps.repository.history({ limit: 2, offset: 0 })) as {
      entries: { actor: string; reason: string | null }[];
    };
    expect(entries.map((e) => [e.actor, e.reason])).to.deep.equal([
      ['dashboard:alice', 'QA first'],
      ['dashboard', 'first slice'],
    ]);
  });

  it('when the page changes without a reason, then it is refused with 400 like any API client', async () => {
    const res = await change({ op: 'kill', reason: ' ' }, fromPage());
    expect(res.status).to.equal(400);
    expect(((await res.json()) as { issues: string[] }).issues).to.deep.equal([
      'reason: a reason is required',
    ]);
  });

  it('when a bearer client names an actor, then it is kept (no dashboard prefix)', async () => {
    const res = await call('/api/policy/changes', {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ op: 'set_percent', percent: 0, reason: 'back', actor: 'ops-bot' }),
    });
    expect(res.status).to.equal(200);
    expect((await deps.repository.read()).updatedBy).to.equal('ops-bot');
  });

  it('when the page asks for its settings, then it gets the confirmation step and the instance', async () => {
    const res = await call('/api/dashboard/settings', { headers: { cookie } });
    expect(await res.json()).to.deep.equal({ instance: deps.instance, percent_confirm_step: 5 });
  });

  it('when traffic was recorded, then /api/timeseries returns both arms over 15 minutes with the guard limit', async () => {
    deps.series.record('new', 502, 0.03);
    deps.series.record('legacy', 200, 0.002);
    const body = (await (await call('/api/timeseries', { headers: { cookie } })).json()) as {
      instance: string;
      bucket_seconds: number;
      window_seconds: number;
      t: number[];
      arms: Record<string, { totals: { requests: number; errors: number } }>;
      guard: { error_rate_limit: number; min_requests: number };
    };
    expect(body.instance).to.equal(deps.instance);
    expect([body.bucket_seconds, body.window_seconds, body.t.length]).to.deep.equal([5, 900, 180]);
    expect(body.arms.new!.totals).to.deep.equal({ requests: 1, errors: 1 });
    expect(body.arms.legacy!.totals).to.deep.equal({ requests: 1, errors: 0 });
    expect(body.guard).to.deep.include({ error_rate_limit: 0.2, min_requests: 50 });
  });

  it('when users, a cutover run and a snapshot exist, then /api/migration reports them', async () => {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const ids = await client.query<{ id: number }>(
        `INSERT INTO users (email) VALUES ('legacy-a@x.test'), ('legacy-b@x.test'), ('moved@x.test') RETURNING id`,
      );
      await client.query(
        `INSERT INTO fu_users (id, email, hashed_password, is_active, is_superuser, is_verified, legacy_user_id)
         VALUES (gen_random_uuid(), 'moved@x.test', 'h', true, false, false, $1),
                (gen_random_uuid(), 'only-new@x.test', 'h', true, false, false, NULL)`,
        [ids.rows[2]!.id],
      );
      // Two provider accounts of one user: one OAuth-linked account.
      await client.query(
        `INSERT INTO oauth_accounts (oauth_name, access_token, account_id, account_email, user_id)
         SELECT name, 't', 'sub-1', email, id FROM fu_users, (VALUES ('a'), ('b')) AS p(name)
          WHERE email = 'moved@x.test'`,
      );
      const steps = [
        {
          name: 'preflight',
          status: 'done',
          startedAt: '2026-05-01T00:00:00Z',
          durationMs: 120,
          detail: 'no blockers',
        },
        {
          name: 'snapshot',
          status: 'failed',
          startedAt: '2026-05-01T00:00:01Z',
          durationMs: 40,
          error: 'disk full',
        },
      ];
      await client.query(
        `INSERT INTO cutover_runs (kind, status, current_step, steps, error)
         VALUES ('cutover', 'rolled_back', 'snapshot', $1::jsonb, 'step snapshot failed: disk full')`,
        [JSON.stringify(steps)],
      );
      await client.query(
        `INSERT INTO authshift_snapshots.manifest (label, taken_at, tables)
         VALUES ('pre-cutover-1', now(), $1::jsonb)`,
        [
          JSON.stringify({
            users: { rows: 3, checksum: '1', columns: [] },
            fu_users: { rows: 2, checksum: '2', columns: [] },
            fu_access_tokens: { rows: 0, checksum: '0', columns: [] },
          }),
        ],
      );
    } finally {
      await client.end();
    }
    const body = (await (await call('/api/migration', { headers: { cookie } })).json()) as Record<
      string,
      unknown
    >;
    expect(body.user_store).to.deep.include({ value: 'fu_users', updated_by: 'migration' });
    expect(body.phase).to.equal('conservative');
    expect(body.users).to.deep.equal({ legacy_only: 2, migrated: 1, new_only: 1 });
    expect(body.oauth_linked).to.equal(1);
    expect(body.last_run).to.deep.include({
      kind: 'cutover',
      status: 'rolled_back',
      current_step: 'snapshot',
    });
    expect((body.last_run as { steps: unknown[] }).steps).to.deep.equal([
      { name: 'preflight', status: 'done', duration_ms: 120, detail: 'no blockers', error: null },
      { name: 'snapshot', status: 'failed', duration_ms: 40, detail: null, error: 'disk full' },
    ]);
    expect(body.snapshots).to.have.length(1);
    expect((body.snapshots as object[])[0]).to.deep.include({
      label: 'pre-cutover-1',
      restored_at: null,
      rows: { users: 3, fu_users: 2, fu_access_tokens: 0 },
    });
  });

  it('when the control-plane database is unreachable, then /api/migration answers 503 DATABASE_UNAVAILABLE', async () => {
    const down = await adminServer({
      DATABASE_URL: `postgres://postgres@127.0.0.1:${await freePort()}/none`,
    });
    try {
      const res = await down.call('/api/migration', {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      });
      expect(res.status).to.equal(503);
      expect(await res.json()).to.deep.include({ code: 'DATABASE_UNAVAILABLE' });
    } finally {
      await drain(down.server, 500);
      await down.deps.close();
    }
  });

  it('when the session store is unreachable, then a signed cookie is not trusted (503) and no login is issued, while the bearer token still answers', async () => {
    const down = await adminServer({
      DATABASE_URL: `postgres://postgres@127.0.0.1:${await freePort()}/none`,
    });
    try {
      const { value } = issueDashboardSession(ADMIN_TOKEN, Date.now(), 60);
      const res = await down.call('/api/guard', {
        headers: { cookie: `${DASHBOARD_COOKIE}=${value}` },
      });
      expect(res.status).to.equal(503);
      expect(await res.json()).to.deep.include({ code: 'DATABASE_UNAVAILABLE' });
      const login = await down.call('/dashboard/login', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: down.origin },
        body: new URLSearchParams({ token: ADMIN_TOKEN }).toString(),
      });
      expect(login.status).to.equal(503);
      expect(login.headers.get('set-cookie')).to.equal(null);
      const bearer = await down.call('/api/guard', {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      });
      expect(bearer.status).to.equal(200);
    } finally {
      await drain(down.server, 500);
      await down.deps.close();
    }
  });

  it('when the page’s files are fetched, then ours and the charting library come from this server with their types', async () => {
    for (const [path, type] of [
      ['/dashboard/js/main.js', 'text/javascript'],
      ['/dashboard/dashboard.css', 'text/css'],
      ['/dashboard/vendor/uPlot.esm.js', 'text/javascript'],
      ['/dashboard/vendor/uPlot.min.css', 'text/css'],
    ]) {
      const res = await call(path!);
      expect(res.status, path).to.equal(200);
      expect(res.headers.get('content-type'), path).to.contain(type);
      expect(res.headers.get('x-content-type-options')).to.equal('nosniff');
    }
  });

  it('when a file outside the fixed list is asked for, then 404; a wrong method on a file, 405', async () => {
    for (const path of [
      '/dashboard/constructor',
      '/dashboard/%2e%2e/package.json',
      '/dashboard/js/../../config.ts',
      '/dashboard/public/index.html',
    ])
      expect((await call(path)).status, path).to.be.oneOf([401, 404]);
    expect((await call('/dashboard/constructor')).status).to.equal(404);
    expect((await call('/dashboard/js/main.js', { method: 'POST' })).status).to.equal(405);
  });

  it('when logging out from the page, then the cookie is cleared; from another origin, 403', async () => {
    const cross = await call('/dashboard/logout', {
      method: 'POST',
      headers: { cookie, origin: 'http://evil.test' },
    });
    expect(cross.status).to.equal(403);
    const res = await call('/dashboard/logout', { method: 'POST', headers: { cookie, origin } });
    expect(res.status).to.equal(303);
    expect(res.headers.get('set-cookie')).to.match(/^authshift_admin=; (.*; )?Max-Age=0(;|$)/);
  });

  it('when an operator logs out, then that session’s cookie opens neither the page nor the API, and other sessions stay', async () => {
    const sessionOf = async () =>
      (await login(ADMIN_TOKEN)).headers.get('set-cookie')!.split(';')[0]!;
    const [leaving, staying] = [await sessionOf(), await sessionOf()];
    expect((await call('/api/policy', { headers: { cookie: leaving } })).status).to.equal(200);
    const out = await call('/dashboard/logout', {
      method: 'POST',
      headers: { cookie: leaving, origin },
    });
    expect(out.status).to.equal(303);
    const api = await call('/api/policy', { headers: { cookie: leaving } });
    expect(api.status).to.equal(401);
    expect(await api.json()).to.deep.include({ code: 'ADMIN_UNAUTHORIZED' });
    const page = await call('/dashboard/', { headers: { cookie: leaving } });
    expect(page.status).to.equal(303);
    expect(page.headers.get('location')).to.equal('/dashboard/login');
    expect((await call('/api/policy', { headers: { cookie: staying } })).status).to.equal(200);
  });
});

describe('proxy dashboard login throttle (admin port)', () => {
  let db: { url: string; drop(): Promise<void> };
  let admin: Awaited<ReturnType<typeof adminServer>>;

  before(async () => {
    db = await migratedScratchDatabase();
    admin = await adminServer({
      DATABASE_URL: db.url,
      PROXY_DASHBOARD_LOGIN_MAX_FAILURES: '2',
      PROXY_DASHBOARD_LOGIN_WINDOW_SECONDS: '120',
    });
  });
  after(async () => {
    await drain(admin.server, 500);
    await admin.deps.close();
    await db.drop();
  });

  const login = (token: string) =>
    admin.call('/dashboard/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: admin.origin },
      body: new URLSearchParams({ token }).toString(),
    });

  it('when an address types too many wrong tokens, then even the right one gets 429 with Retry-After, and the bearer API still answers', async () => {
    expect((await login('wrong-token-number-one')).status).to.equal(401);
    expect((await login('wrong-token-number-two')).status).to.equal(401);
    const locked = await login(ADMIN_TOKEN);
    expect(locked.status).to.equal(429);
    expect(locked.headers.get('set-cookie')).to.equal(null);
    const wait = Number(locked.headers.get('retry-after'));
    expect(wait).to.be.within(1, 120);
    expect(await locked.text()).to.contain('Too many wrong tokens from this address');
    const metrics = await admin.call('/metrics', {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(metrics.status, 'machine clients are not locked out').to.equal(200);
  });
});

describe('proxy dashboard login throttle against slow bodies (admin port)', () => {
  let db: { url: string; drop(): Promise<void> };
  let admin: Awaited<ReturnType<typeof adminServer>>;
  const MAX_FAILURES = 3;

  before(async () => {
    db = await migratedScratchDatabase();
    admin = await adminServer({
      DATABASE_URL: db.url,
      PROXY_DASHBOARD_LOGIN_MAX_FAILURES: String(MAX_FAILURES),
      PROXY_DASHBOARD_LOGIN_WINDOW_SECONDS: '120',
    });
  });
  after(async () => {
    await drain(admin.server, 500);
    await admin.deps.close();
    await db.drop();
  });

  const loginRequest = (token: string) =>
    slowRequest({
      port: Number(new URL(admin.origin).port),
      method: 'POST',
      path: '/dashboard/login',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        origin: admin.origin,
      },
      body: new URLSearchParams({ token }).toString(),
    });

  it('when one address holds many logins open and sends the bodies late, then no more than the budget of tokens is tried, and the right one is then refused', async () => {
    const attempts = [];
    // Every head reaches the server (and its throttle check) before any body is sent.
    for (let i = 0; i < MAX_FAILURES + 5; i++) {
      const attempt = loginRequest(`wrong-token-${i}`);
      await attempt.ready;
      attempts.push(attempt);
    }
    const statuses = (await Promise.all(attempts.map((a) => a.finish()))).map((r) => r.status);
    expect(
      statuses.filter((s) => s === 401),
      'tokens compared',
    ).to.have.length(MAX_FAILURES);
    expect(
      statuses.filter((s) => s === 429),
      'refused unread',
    ).to.have.length(5);
    const right = await loginRequest(ADMIN_TOKEN).finish();
    expect(right.status).to.equal(429);
    expect(right.headers['set-cookie']).to.equal(undefined);
    expect(Number(right.headers['retry-after'])).to.be.within(1, 120);
  });
});

describe('proxy dashboard migration counts (admin port)', () => {
  it('when the page asks again within the cache age, then the user tables are not counted again; after it, they are', async () => {
    const db = await migratedScratchDatabase();
    const clock = manualClock(new Date());
    const admin = await adminServer({ DATABASE_URL: db.url }, clock);
    const read = async () =>
      (await (
        await admin.call('/api/migration', { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })
      ).json()) as { users: { legacy_only: number }; counted_at: string };
    const addUser = async (email: string) => {
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      await client.query('INSERT INTO users (email) VALUES ($1)', [email]);
      await client.end();
    };
    try {
      const first = await read();
      await addUser('counted-later@x.test');
      clock.advance(COUNTS_MAX_AGE_MS - 1);
      const cached = await read();
      expect(cached.users).to.deep.equal(first.users);
      expect(cached.counted_at).to.equal(first.counted_at);
      clock.advance(1);
      const fresh = await read();
      expect(fresh.users.legacy_only).to.equal(first.users.legacy_only + 1);
      expect(Date.parse(fresh.counted_at) - Date.parse(first.counted_at)).to.equal(
        COUNTS_MAX_AGE_MS,
      );
    } finally {
      await drain(admin.server, 500);
      await admin.deps.close();
      await db.drop();
    }
  });
});
