/**
 * The ops dashboard in headless Chromium against the real stack: PostgreSQL, the monolith, a
 * second monolith serving the new arm (its database reached through a relay the test can cut),
 * and a real proxy process. What an operator does without the command line: log in, read the
 * policy, move the rollout to 25% (confirming the jump), watch both arms' traffic on the charts,
 * see the guard trip when the new engine fails, and hit the kill switch.
 */
import { execFile } from 'node:child_process';
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { launchChromium, type Browser } from '../helpers/browser.js';
import {
  ADMIN_TOKEN,
  migratedScratchDatabase,
  startMonolith,
  startProxy,
  type Monolith,
  type ProxyProcess,
} from '../helpers/proxy-stack.js';
import { rawSend } from '../helpers/raw-http.js';
import { eventually } from '../helpers/eventually.js';
import { startTcpRelay } from '../helpers/tcp-relay.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCREENSHOT = path.join(ROOT, 'test-artifacts', 'dashboard.png');
const run = promisify(execFile);

/** The page refreshes every 3 s: wait up to five refreshes. */
const PAGE_WAIT = { timeoutMs: 15_000, intervalMs: 250 };

interface PolicyJson {
  version: number;
  percent: number;
  killed: boolean;
  updated_by: string;
  reason: string | null;
}

describe('ops dashboard in Chromium (real stack)', function () {
  this.timeout(120_000);
  let db: { url: string; drop(): Promise<void> };
  let monolith: Monolith;
  let newArm: Monolith;
  let relay: Awaited<ReturnType<typeof startTcpRelay>>;
  let proxy: ProxyProcess;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];

  const rolloutStatus = async (): Promise<PolicyJson> => {
    const { stdout } = await run('npm', ['run', '--silent', 'rollout', '--', 'status', '--json'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: db.url },
    });
    return JSON.parse(stdout) as PolicyJson;
  };
  const field = (name: string) => page.locator(`#policy [data-field="${name}"]`);
  const trafficCell = (arm: string, name: string) =>
    page.locator(`#traffic-table tr[data-arm="${arm}"] td[data-field="${name}"]`);
  const countIn = async (arm: string, name: string) =>
    Number((await trafficCell(arm, name).textContent())!.replace(/,/g, ''));

  /** E-mails the live policy puts on `arm`, found through the admin API's explain. */
  async function emailsOn(arm: 'legacy' | 'new', count: number, tag: string): Promise<string[]> {
    const found: string[] = [];
    for (let i = 0; found.length < count && i < 2000; i++) {
      const email = `${tag}-${i}@traffic.test`;
      const res = await proxy.admin('/api/explain', {
        method: 'POST',
        body: JSON.stringify({ email }),
      });
      if (((await res.json()) as { arm: string }).arm === arm) found.push(email);
    }
    return found;
  }
  const login = (email: string) =>
    fetch(`${proxy.url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: 'not-the-password' }),
    });

  before(async () => {
    db = await migratedScratchDatabase();
    monolith = await startMonolith(db.url);
    relay = await startTcpRelay(Number(new URL(db.url).port));
    const viaRelay = new URL(db.url);
    viaRelay.port = String(relay.port());
    newArm = await startMonolith(viaRelay.toString());
    proxy = await startProxy(db.url, {
      PORT: String(monolith.port),
      NEW_UPSTREAM_URL: newArm.url,
      LOG_LEVEL: 'warn',
      PROXY_GUARD_MIN_REQUESTS: '20',
      PROXY_GUARD_ERROR_RATE: '0.5',
      PROXY_DASHBOARD_PERCENT_STEP: '10',
    });
    browser = await launchChromium();
    page = await browser.context.newPage();
  });
  after(async () => {
    await browser?.close();
    await proxy?.proc.stop();
    await newArm?.proc.stop();
    await monolith?.proc.stop();
    await relay?.cut();
    await db?.drop();
  });

  it('when a request has no token, then the API answers 401 and the page shows the login form', async () => {
    const api = await fetch(`${proxy.adminUrl}/api/policy`);
    expect(api.status).to.equal(401);
    await page.goto(`${proxy.adminUrl}/dashboard/`);
    expect(page.url()).to.equal(`${proxy.adminUrl}/dashboard/login`);
    expect(await page.getByLabel('Admin token').isVisible()).to.equal(true);
  });

  it('when the operator logs in, then the page loads with no console errors and shows the current policy', async () => {
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    await page.getByLabel('Admin token').fill(ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.locator('body[data-ready="true"]').waitFor();
    const live = await rolloutStatus();
    expect(await field('version').textContent()).to.equal(`v${live.version}`);
    expect(await field('percent').textContent()).to.equal('0.00%');
    expect(await field('killed').textContent()).to.contain('off');
    expect(await field('reason').textContent()).to.equal(live.reason);
    const migration = (name: string) => page.locator(`#migration [data-field="${name}"]`);
    await migration('phase').waitFor();
    expect(await migration('phase').textContent()).to.equal('conservative');
    expect(await migration('counted-at').textContent()).to.match(/\d.*\(.+\)$/);
    expect(consoleErrors).to.deep.equal([]);
  });

  it('when a change has no reason, then the page refuses to send it and the policy stays', async () => {
    const before = await rolloutStatus();
    await page.getByRole('button', { name: 'Kill switch: everyone to legacy' }).click();
    await page.locator('#change-status', { hasText: 'Give a reason' }).waitFor();
    expect(await page.locator('#reason').getAttribute('aria-invalid')).to.equal('true');
    expect((await rolloutStatus()).version).to.equal(before.version);
  });

  it('when a jump larger than the step is cancelled, then nothing changes', async () => {
    const before = await rolloutStatus();
    await page.getByLabel('Reason for the change (required)').fill('too far');
    await page.getByLabel('Percentage on the new engine').fill('60');
    await page.getByRole('button', { name: 'Set percentage' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    expect(await dialog.textContent()).to.contain('from 0.00% to 60.00%');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await page.locator('#change-status', { hasText: 'cancelled' }).waitFor();
    expect((await rolloutStatus()).version).to.equal(before.version);
  });

  it('when the percentage is moved to 25% through the page and confirmed, then rollout status reports 25 and the audit log has the reason', async () => {
    await page.getByLabel('Reason for the change (required)').fill('phase 2: a quarter of users');
    await page.getByLabel('Percentage on the new engine').fill('25');
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await page.locator('#change-status', { hasText: 'Changed (set_percent)' }).waitFor();
    const live = await rolloutStatus();
    expect(live).to.deep.include({
      percent: 25,
      updated_by: 'dashboard',
      reason: 'phase 2: a quarter of users',
    });
    expect(await field('percent').textContent()).to.equal('25.00%');
    const history = (await (await proxy.admin('/api/policy/history?limit=1')).json()) as {
      entries: { actor: string; reason: string; version: number }[];
    };
    expect(history.entries[0]).to.deep.include({
      actor: 'dashboard',
      reason: 'phase 2: a quarter of users',
      version: live.version,
    });
    await page
      .locator(`#audit-table tr[data-version="${live.version}"] td[data-field="reason"]`, {
        hasText: 'phase 2',
      })
      .waitFor();
  });

  it('when traffic flows through the proxy, then both arms’ series change on the charts without a reload', async () => {
    await page.evaluate('window.notReloaded = true');
    const [legacyBefore, newBefore] = [
      await countIn('legacy', 'requests'),
      await countIn('new', 'requests'),
    ];
    const onNew = await emailsOn('new', 8, 'n');
    const onLegacy = await emailsOn('legacy', 8, 'l');
    for (const email of [...onNew, ...onLegacy]) {
      const res = await login(email);
      await res.arrayBuffer();
      expect(res.status, email).to.equal(401);
      expect(res.headers.get('x-authshift-arm')).to.equal(onNew.includes(email) ? 'new' : 'legacy');
    }
    await eventually(
      async () =>
        (await countIn('legacy', 'requests')) >= legacyBefore + 8 &&
        (await countIn('new', 'requests')) >= newBefore + 8,
      { ...PAGE_WAIT, what: 'both arms counted on the page' },
    );
    expect(await page.evaluate('window.notReloaded')).to.equal(true);
    expect(await page.locator('#chart-rps canvas').count()).to.be.greaterThan(0);
  });

  it('when the new engine fails in a burst, then the guard trips and the page says when and why in a live banner', async () => {
    const onNew = await emailsOn('new', 25, 'burst');
    await relay.cut();
    try {
      // Identified users from two client addresses: the guard needs errors from more than one.
      for (const [i, email] of onNew.entries())
        await rawSend(`${proxy.url}/auth/login`, {
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email, password: 'not-the-password' }),
          localAddress: i % 2 ? '127.0.0.2' : '127.0.0.3',
        });
      const banner = page.locator('#trip-banner');
      await banner.waitFor({ state: 'visible', timeout: 15_000 });
      expect(await banner.getAttribute('aria-live')).to.equal('assertive');
      expect(await banner.textContent()).to.match(
        /Guard tripped at .+: guard: new arm 5xx rate \d+(\.\d)?% \(\d+\/\d+\)/,
      );
      expect(await field('percent').textContent()).to.equal('0.00%');
      await eventually(async () => (await countIn('new', 'errors')) >= 10, PAGE_WAIT);
      expect(await countIn('legacy', 'errors')).to.equal(0);
    } finally {
      await relay.restore();
    }
  });

  it('when the kill switch is pressed, then everyone goes to legacy, status says killed, and un-kill reopens', async () => {
    await mkdir(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    await page.getByLabel('Reason for the change (required)').fill('incident 42: stop everything');
    await page.getByRole('button', { name: 'Kill switch: everyone to legacy' }).click();
    await page.locator('#change-status', { hasText: 'Changed (kill)' }).waitFor();
    expect(await rolloutStatus()).to.deep.include({
      killed: true,
      reason: 'incident 42: stop everything',
    });
    expect(await field('killed').textContent()).to.contain('ON');
    const [onNew] = await emailsOn('legacy', 1, 'killed');
    const res = await login(onNew!);
    expect(res.headers.get('x-authshift-arm')).to.equal('legacy');
    expect(await page.locator('#trip-banner').isHidden()).to.equal(true);
    await page.getByLabel('Reason for the change (required)').fill('incident 42 over');
    await page.getByRole('button', { name: 'Un-kill' }).click();
    await page.locator('#change-status', { hasText: 'Changed (unkill)' }).waitFor();
    expect((await rolloutStatus()).killed).to.equal(false);
  });

  it('when the operator logs out, then the page shows the login form and the old cookie opens nothing', async () => {
    const [session] = await browser.context.cookies(proxy.adminUrl);
    expect(session?.name).to.equal('authshift_admin');
    const cookie = `${session!.name}=${session!.value}`;
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL(`${proxy.adminUrl}/dashboard/login`);
    expect(await page.getByLabel('Admin token').isVisible()).to.equal(true);
    expect(await browser.context.cookies(proxy.adminUrl)).to.deep.equal([]);
    const replayed = await fetch(`${proxy.adminUrl}/api/policy`, { headers: { cookie } });
    expect(replayed.status).to.equal(401);
  });

  it('when the session is over, then the screenshot was saved and no console error happened', async () => {
    expect((await stat(SCREENSHOT)).size).to.be.greaterThan(20_000);
    expect(consoleErrors).to.deep.equal([]);
  });
});
