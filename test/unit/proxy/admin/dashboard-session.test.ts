import type { IncomingMessage } from 'node:http';
import { expect } from 'chai';
import {
  CLEARED_SESSION_COOKIE,
  DASHBOARD_COOKIE,
  issueDashboardSession,
  sessionCookie,
  verifyDashboardSession,
} from '../../../../proxy/admin/dashboard-session.js';
import { presentedCredential } from '../../../../proxy/admin/admin-auth.js';
import { isDashboardCall, isSameOrigin } from '../../../../proxy/admin/same-origin.js';

const TOKEN = 'unit-test-admin-token-0123456789';
const NOW = Date.parse('2026-05-01T12:00:00Z');
const request = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;

describe('dashboard session cookie', () => {
  it('when issued, then it verifies until it expires, names its session, and never contains the token', () => {
    const session = issueDashboardSession(TOKEN, NOW, 3600);
    expect(session.value).not.to.contain(TOKEN);
    expect(verifyDashboardSession(session.value, TOKEN, NOW + 3599_000)).to.equal(session.id);
    expect(verifyDashboardSession(session.value, TOKEN, NOW + 3600_000)).to.equal(null);
  });

  it('when two sessions are issued in the same second, then they are different sessions', () => {
    const [one, two] = [
      issueDashboardSession(TOKEN, NOW, 60),
      issueDashboardSession(TOKEN, NOW, 60),
    ];
    expect(one.id).not.to.equal(two.id);
    expect(one.value).not.to.equal(two.value);
  });

  for (const [when, mutate] of [
    ['it was signed with another token', () => issueDashboardSession(`${TOKEN}x`, NOW, 3600).value],
    [
      'its expiry was moved forward',
      () =>
        issueDashboardSession(TOKEN, NOW, 60).value.replace(
          /^(v2\.[\w-]+)\.(\d+)/,
          (_m: string, head: string, e: string) => `${head}.${Number(e) + 9999}`,
        ),
    ],
    [
      'its session id was swapped',
      () => {
        const other = issueDashboardSession(TOKEN, NOW, 60);
        const mine = issueDashboardSession(TOKEN, NOW, 60);
        return mine.value.replace(mine.id, other.id);
      },
    ],
    ['it is the old stateless format', () => `v1.${NOW / 1000 + 60}.${'A'.repeat(43)}`],
    ['it is garbage', () => 'v2.abc.def'],
    ['it is missing', () => undefined],
  ] as const) {
    it(`when ${when}, then it is refused`, () => {
      expect(verifyDashboardSession(mutate(), TOKEN, NOW)).to.equal(null);
    });
  }

  it('when set, then the cookie is HttpOnly and SameSite=Strict with a Max-Age', () => {
    expect(sessionCookie('v', 60)).to.equal(
      `${DASHBOARD_COOKIE}=v; Max-Age=60; Path=/; HttpOnly; SameSite=Strict`,
    );
    expect(CLEARED_SESSION_COOKIE).to.equal(
      `${DASHBOARD_COOKIE}=; Max-Age=0; Path=/; HttpOnly; SameSite=Strict`,
    );
  });

  it('when a request has the bearer token or a signed cookie, then it presents a bearer or a dashboard session; otherwise nothing', () => {
    const session = issueDashboardSession(TOKEN, NOW, 60);
    const cookie = `other=1; ${DASHBOARD_COOKIE}=${session.value}`;
    expect(
      presentedCredential(request({ authorization: `Bearer ${TOKEN}` }), TOKEN, NOW),
    ).to.deep.equal({ principal: 'bearer' });
    expect(presentedCredential(request({ cookie }), TOKEN, NOW)).to.deep.equal({
      principal: 'dashboard',
      sessionId: session.id,
    });
    expect(presentedCredential(request({ cookie }), TOKEN, NOW + 61_000)).to.equal(null);
    expect(
      presentedCredential(request({ authorization: `Bearer ${TOKEN}x` }), TOKEN, NOW),
    ).to.equal(null);
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
