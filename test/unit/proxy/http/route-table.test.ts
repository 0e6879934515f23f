import { expect } from 'chai';
import { classifyRoute, newArmUrl } from '../../../../proxy/http/route-table.js';

describe('route table', () => {
  const cases: [string, string, string, string, string | undefined][] = [
    ['POST', '/auth/login', 'legacy_auth', '/auth/login', 'email'],
    ['POST', '/auth/login/', 'legacy_auth', '/auth/login', 'email'],
    ['POST', '/AUTH/Login?x=1', 'legacy_auth', '/auth/login', 'email'],
    ['POST', '/auth/register', 'legacy_auth', '/auth/register', 'email'],
    ['POST', '/auth/forgot-password', 'legacy_auth', '/auth/*', 'email'],
    ['GET', '/auth/login', 'legacy_auth', '/auth/login', undefined],
    ['GET', '/auth/me', 'legacy_auth', '/auth/me', undefined],
    ['POST', '/auth/change-password', 'legacy_auth', '/auth/change-password', undefined],
    ['GET', '/authority', 'passthrough', 'other', undefined],
    ['POST', '/fu_auth/jwt/login', 'fu_auth', '/fu_auth/*', 'username'],
    ['POST', '/FU_AUTH/cookie/login', 'fu_auth', '/fu_auth/*', 'username'],
    ['POST', '/fu_auth/register', 'fu_auth', '/fu_auth/*', 'email'],
    ['POST', '/fu_auth/forgot-password', 'fu_auth', '/fu_auth/*', 'email'],
    ['POST', '/fu_auth/request-verify-token', 'fu_auth', '/fu_auth/*', 'email'],
    ['GET', '/fu_auth/users/me', 'fu_auth', '/fu_auth/*', undefined],
    ['GET', '/fu_authx', 'passthrough', 'other', undefined],
    ['GET', '/api/contacts', 'passthrough', '/api/*', undefined],
    ['GET', '/healthz', 'passthrough', '/healthz', undefined],
  ];
  for (const [method, url, kind, label, field] of cases) {
    it(`when ${method} ${url}, then ${kind} labelled ${label}${field ? ` reading ${field}` : ''}`, () => {
      const route = classifyRoute(method, url);
      expect(route.kind).to.equal(kind);
      expect(route.label).to.equal(label);
      expect(route.identityField).to.equal(field);
    });
  }

  it('when a native reset or verify body is posted, then its token is read as a credential, not an e-mail', () => {
    for (const path of ['/fu_auth/reset-password', '/FU_AUTH/verify/']) {
      expect(classifyRoute('POST', path)).to.deep.equal({
        kind: 'fu_auth',
        label: '/fu_auth/*',
        credentialField: 'token',
      });
      expect(classifyRoute('GET', path).credentialField).to.equal(undefined);
    }
  });

  it('when the new arm serves /auth/<rest>, then the path becomes /fu_auth/legacy/<rest> with the query kept', () => {
    expect(newArmUrl('/auth/login?next=%2F')).to.equal('/fu_auth/legacy/login?next=%2F');
    expect(newArmUrl('/auth/me')).to.equal('/fu_auth/legacy/me');
  });
});
