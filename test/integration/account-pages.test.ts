/**
 * The pages the reset and verification e-mails link to (`PUBLIC_URL/reset-password?token=…`,
 * `/verify?token=…`): they exist, run no inline code under a strict CSP, leak the token neither
 * by Referer nor by cache, and the access log keeps the path but not the token.
 */
import { expect } from 'chai';
import request from 'supertest';
import { createApp } from '../../src/app.js';
import type { AppDeps } from '../../src/deps.js';
import { memoryLogger } from '../../src/lib/logger.js';
import { buildTestDeps } from '../helpers/test-deps.js';
import { createFuUser, outboxFor } from '../helpers/fu-auth.js';

describe('built-in reset and verification pages', () => {
  const memory = memoryLogger('info');
  let deps: AppDeps;
  let app: ReturnType<typeof createApp>;
  before(() => {
    deps = buildTestDeps({ logger: memory.logger });
    app = createApp(deps);
  });
  after(() => deps.close());

  async function linkFromMail(route: string, email: string): Promise<URL> {
    await request(app).post(route).send({ email }).expect(202);
    const message = (await outboxFor(deps, email)).at(-1);
    return new URL(/https?:\/\/\S+/.exec(message!.text)![0]);
  }

  for (const [page, route] of [
    ['/reset-password', '/fu_auth/forgot-password'],
    ['/verify', '/fu_auth/request-verify-token'],
  ] as const) {
    it(`when the ${page} link of the e-mail is opened, then the page answers 200 HTML with a strict CSP and no inline script`, async () => {
      const { email } = await createFuUser(deps);
      const link = await linkFromMail(route, email);
      expect(link.pathname).to.equal(page);
      const res = await request(app).get(`${link.pathname}${link.search}`);
      expect(res.status).to.equal(200);
      expect(res.headers['content-type']).to.equal('text/html; charset=utf-8');
      const csp = res.headers['content-security-policy'] as string;
      expect(csp).to.contain("script-src 'self'").and.to.contain("default-src 'none'");
      expect(csp).not.to.contain('unsafe-inline');
      expect(res.headers).to.include({
        'referrer-policy': 'no-referrer',
        'cache-control': 'no-store',
        'x-frame-options': 'DENY',
      });
      expect(res.text).not.to.match(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(res.text).not.to.match(/\son\w+=/); // no inline event handlers either
      expect(res.text).not.to.contain(link.searchParams.get('token')!);
      const script = res.text.match(/<script src="([^"]+)"/)![1]!;
      const js = await request(app).get(script);
      expect(js.status).to.equal(200);
      expect(js.headers['content-type']).to.equal('text/javascript; charset=utf-8');
      expect(js.text).to.contain(`/fu_auth`);
    });

    it(`when ${page} is requested with a token, then the access log keeps the path and redacts the token`, async () => {
      const token = `eyJ.secret-${page.slice(1)}-${Date.now()}`;
      await request(app).get(`${page}?token=${token}`).expect(200);
      const lines = memory.lines().filter((l) => l.includes(`"url":"${page}?`));
      expect(lines.at(-1)).to.contain(`"url":"${page}?token=[redacted]"`);
      expect(memory.lines().join('\n')).not.to.contain(token);
    });
  }

  it('when the page is asked with another method, then it answers 404 in the legacy format', async () => {
    const res = await request(app).post('/reset-password').send({});
    expect(res.status).to.equal(404);
    expect(res.body).to.deep.equal({ error: 'not_found' });
  });

  it('when any other URL carries a token parameter, then the access log redacts it as well', async () => {
    const token = `tok-${Date.now()}`;
    await request(app).get(`/api/contacts?access_token=${token}`);
    const line = memory.lines().find((l) => l.includes('"url":"/api/contacts?'));
    expect(line).to.contain('access_token=[redacted]');
    expect(memory.lines().join('\n')).not.to.contain(token);
  });
});
