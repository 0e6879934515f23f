import type { IncomingMessage } from 'node:http';
import { expect } from 'chai';
import {
  DASHBOARD_COOKIE,
  issueDashboardSession,
  sessionCookie,
  verifyDashboardSession,
} from '../../../../proxy/admin/dashboard-session.js';
import { adminPrincipal } from '../../../../proxy/admin/admin-auth.js';
import { isDashboardCall, isSameOrigin } from '../../../../proxy/admin/same-origin.js';

const TOKEN = 'unit-test-admin-token-0123456789';
const NOW = Date.parse('2026-05-01T12:00:00Z');
const request = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;

describe('dashboard session cookie', () => {
  it('when issued, then it verifies until it expires, and never contains the token', () => {
    const value = issueDashboardSession(TOKEN, NOW, 3600);
    expect(value).not.to.contain(TOKEN);
    expect(verifyDashboardSession(value, TOKEN, NOW + 3599_000)).to.equal(true);
    expect(verifyDashboardSession(value, TOKEN, NOW + 3600_000)).to.equal(false);
  });

  for (const [when, mutate] of [
    ['it was signed with another token', () => issueDashboardSession(`${TOKEN}x`, NOW, 3600)],
    [
      'its expiry was moved forward',
      () =>
        issueDashboardSession(TOKEN, NOW, 60).replace(
          /^v1\.(\d+)/,
          (_m, e) => `v1.${Number(e) + 9999}`,
        ),
    ],
    ['it is garbage', () => 'v1.abc.def'],
    ['it is missing', () => undefined],
  ] as const) {
    it(`when ${when}, then it is refused`, () => {
      expect(verifyDashboardSession(mutate(), TOKEN, NOW)).to.equal(false);
    });
  }

  it('when set, then the cookie is HttpOnly and SameSite=Strict with a Max-Age', () => {
    expect(sessionCookie('v', 60)).to.equal(
      `${DASHBOARD_COOKIE}=v; Path=/; HttpOnly; SameSite=Strict; Max-Age=60`,
    );
  });

  it('when a request has the bearer token or a valid cookie, then it is a bearer or dashboard principal; otherwise none', () => {
    const cookie = `${DASHBOARD_COOKIE}=${issueDashboardSession(TOKEN, NOW, 60)}`;
    expect(adminPrincipal(request({ authorization: `Bearer ${TOKEN}` }), TOKEN, NOW)).to.equal(
      'bearer',
    );
    expect(adminPrincipal(request({ cookie }), TOKEN, NOW)).to.equal('dashboard');
    expect(adminPrincipal(request({ cookie }), TOKEN, NOW + 61_000)).to.equal(null);
    expect(adminPrincipal(request({ authorization: `Bearer ${TOKEN}x` }), TOKEN, NOW)).to.equal(
      null,
    );
  });
});

describe('same-origin check (CSRF)', () => {
  const host = '127.0.0.1:8081';
  it('when Origin names this host and the dashboard header is set, then the call is the dashboard’s', () => {
    const req = request({
      host,
      origin: `http://${host}`,
      'sec-fetch-site': 'same-origin',
      'x-authshift-dashboard': '1',
    });
    expect(isSameOrigin(req)).to.equal(true);
    expect(isDashboardCall(req)).to.equal(true);
  });

  for (const [when, headers] of [
    ['Origin is another site', { host, origin: 'http://evil.test', 'x-authshift-dashboard': '1' }],
    ['Origin is missing', { host, 'x-authshift-dashboard': '1' }],
    ['Origin is null', { host, origin: 'null', 'x-authshift-dashboard': '1' }],
    [
      'Sec-Fetch-Site says cross-site',
      {
        host,
        origin: `http://${host}`,
        'sec-fetch-site': 'cross-site',
        'x-authshift-dashboard': '1',
      },
    ],
    ['the dashboard header is missing', { host, origin: `http://${host}` }],
  ] as const) {
    it(`when ${when}, then the call is refused`, () => {
      expect(isDashboardCall(request(headers))).to.equal(false);
    });
  }
});
