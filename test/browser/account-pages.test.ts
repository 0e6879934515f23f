/**
 * The reset and verification links in headless Chromium, through a real proxy and monolith: the
 * e-mail's link opens the built-in page, the person types a new password (or confirms), and the
 * flow completes through /fu_auth under the page's strict CSP. Afterwards the token is gone from
 * the address bar and the new password logs in.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { waitForMail } from '../helpers/outbox.js';
import type { Page } from 'playwright-core';
import { launchChromium, type Browser } from '../helpers/browser.js';
import {
  migratedScratchDatabase,
  startMonolith,
  startProxy,
  type Monolith,
  type ProxyProcess,
} from '../helpers/proxy-stack.js';

describe('reset and verification pages in Chromium (real proxy + monolith)', function () {
  this.timeout(120_000);
  let db: { url: string; drop(): Promise<void> };
  let outbox: string;
  let monolith: Monolith;
  let proxy: ProxyProcess;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  before(async () => {
    db = await migratedScratchDatabase();
    outbox = await mkdtemp(path.join(os.tmpdir(), 'authshift-pages-'));
    monolith = await startMonolith(db.url, undefined, { MAIL_OUTBOX_DIR: outbox });
    proxy = await startProxy(db.url, { PORT: String(monolith.port) });
    browser = await launchChromium();
    page = await browser.context.newPage();
    // A refused token is an HTTP 400 the page handles, which Chromium reports as a console
    // error too; anything else (a CSP violation, a script error) is a problem.
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource'))
        problems.push(m.text());
    });
    page.on('pageerror', (e) => void problems.push(e.message));
  });

  after(async () => {
    await browser?.close();
    await proxy?.proc.stop();
    await monolith?.proc.stop();
    await db?.drop();
    await rm(outbox, { recursive: true, force: true });
  });

  const post = (route: string, body: string, type = 'application/json') =>
    fetch(`${proxy.url}${route}`, { method: 'POST', headers: { 'content-type': type }, body });
  const login = (email: string, password: string) =>
    post(
      '/fu_auth/jwt/login',
      new URLSearchParams({ username: email, password }).toString(),
      'application/x-www-form-urlencoded',
    );

  /** The link of the newest mail with `subject` to `to`, on the proxy's origin. */
  async function mailedLink(to: string, subject: string): Promise<string> {
    const { text } = await waitForMail(outbox, to, subject);
    const link = new URL(/https?:\/\/\S+/.exec(text)![0]);
    return `${proxy.url}${link.pathname}${link.search}`;
  }

  async function register(): Promise<string> {
    const email = `page-${Date.now()}@example.com`;
    const res = await post(
      '/fu_auth/register',
      JSON.stringify({ email, password: 'first-pass-1' }),
    );
    expect(res.status).to.equal(201);
    return email;
  }

  it('when the person opens the reset link and types a new password, then it is changed and the token leaves the address bar', async () => {
    const email = await register();
    expect((await post('/fu_auth/forgot-password', JSON.stringify({ email }))).status).to.equal(
      202,
    );
    const link = await mailedLink(email, 'Reset your password');
    expect(new URL(link).pathname).to.equal('/reset-password');

    await page.goto(link);
    expect(page.url()).to.equal(`${proxy.url}/reset-password`);
    await page.fill('input[name=password]', 'second-pass-2');
    await page.fill('input[name=confirm]', 'second-pass-2');
    await page.click('button[type=submit]');
    await page.waitForSelector('#status[data-outcome=done]');
    expect(await page.textContent('#status')).to.contain('password has been changed');

    expect((await login(email, 'second-pass-2')).status).to.equal(200);
    expect((await login(email, 'first-pass-1')).status).to.equal(400);
    expect(problems).to.deep.equal([]);
  });

  it('when the reset link is used a second time, then the page says it is invalid', async () => {
    const email = await register();
    await post('/fu_auth/forgot-password', JSON.stringify({ email }));
    const link = await mailedLink(email, 'Reset your password');
    for (const [password, outcome] of [
      ['third-pass-3', 'done'],
      ['fourth-pass-4', 'error'],
    ] as const) {
      await page.goto(link);
      await page.fill('input[name=password]', password);
      await page.fill('input[name=confirm]', password);
      await page.click('button[type=submit]');
      await page.waitForSelector(`#status[data-outcome=${outcome}]`);
    }
    expect(await page.textContent('#status')).to.contain('invalid or has expired');
    expect(problems).to.deep.equal([]);
  });

  it('when the person opens the verification link and confirms, then the address is verified', async () => {
    const email = await register();
    await post('/fu_auth/request-verify-token', JSON.stringify({ email }));
    await page.goto(await mailedLink(email, 'Confirm your e-mail address'));
    expect(page.url()).to.equal(`${proxy.url}/verify`);
    await page.click('button[type=submit]');
    await page.waitForSelector('#status[data-outcome=done]');
    expect(await page.textContent('#status')).to.contain('confirmed');

    const token = ((await (await login(email, 'first-pass-1')).json()) as { access_token: string })
      .access_token;
    const me = await fetch(`${proxy.url}/fu_auth/users/me`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(((await me.json()) as { is_verified: boolean }).is_verified).to.equal(true);
    expect(problems).to.deep.equal([]);
  });

  it('when a link has no token, then the page says so and offers no form', async () => {
    await page.goto(`${proxy.url}/reset-password`);
    await page.waitForSelector('#status[data-outcome=error]');
    expect(await page.isHidden('#form')).to.equal(true);
    expect(problems).to.deep.equal([]);
  });
});
