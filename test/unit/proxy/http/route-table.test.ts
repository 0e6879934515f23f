import { expect } from 'chai';
import {
  FU_FORM_BODY,
  FU_JSON_BODY,
  LEGACY_JSON_BODY,
  LEGACY_LOGIN_BODY,
} from '../../../../src/lib/contracts/body-profiles.js';
import { classifyRoute, newArmUrl, type BodyRule } from '../../../../proxy/http/route-table.js';

const legacyLogin: BodyRule = { accepts: LEGACY_LOGIN_BODY, field: 'email', holds: 'email' };
const legacyRegister: BodyRule = { accepts: LEGACY_JSON_BODY, field: 'email', holds: 'email' };
const fuLogin: BodyRule = { accepts: FU_FORM_BODY, field: 'username', holds: 'email' };
const emailStr: BodyRule = { accepts: FU_JSON_BODY, field: 'email', holds: 'email_str' };

describe('route table', () => {
  const cases: [string, string, string, string, string, BodyRule | undefined][] = [
    ['POST', '/auth/login', 'legacy_auth', '/auth/login', 'legacy', legacyLogin],
    ['POST', '/auth/login/', 'legacy_auth', '/auth/login', 'legacy', legacyLogin],
    ['POST', '/AUTH/Login?x=1', 'legacy_auth', '/auth/login', 'legacy', legacyLogin],
    ['POST', '/auth/register', 'legacy_auth', '/auth/register', 'legacy', legacyRegister],
    // No engine serves it: its body is never read, by the monolith or the proxy.
    ['POST', '/auth/forgot-password', 'legacy_auth', '/auth/*', 'legacy', undefined],
    ['GET', '/auth/login', 'legacy_auth', '/auth/login', 'legacy', undefined],
    ['GET', '/auth/me', 'legacy_auth', '/auth/me', 'legacy', undefined],
    ['POST', '/auth/change-password', 'legacy_auth', '/auth/change-password', 'legacy', undefined],
    ['GET', '/authority', 'passthrough', 'other', 'legacy', undefined],
    ['POST', '/fu_auth/jwt/login', 'fu_auth', '/fu_auth/*', 'fu', fuLogin],
    ['POST', '/FU_AUTH/cookie/login', 'fu_auth', '/fu_auth/*', 'fu', fuLogin],
    ['POST', '/fu_auth/cookie/login/', 'fu_auth', '/fu_auth/*', 'fu', undefined],
    ['POST', '/fu_auth/register', 'fu_auth', '/fu_auth/*', 'fu', emailStr],
    ['POST', '/fu_auth/forgot-password', 'fu_auth', '/fu_auth/*', 'fu', emailStr],
    ['POST', '/fu_auth/request-verify-token', 'fu_auth', '/fu_auth/*', 'fu', emailStr],
    ['POST', '/fu_auth/legacy/login', 'fu_auth', '/fu_auth/*', 'legacy', legacyLogin],
    ['POST', '/fu_auth/Legacy/register/', 'fu_auth', '/fu_auth/*', 'legacy', legacyRegister],
    ['GET', '/fu_auth/legacy/me', 'fu_auth', '/fu_auth/*', 'legacy', undefined],
    ['GET', '/fu_auth/users/me', 'fu_auth', '/fu_auth/*', 'fu', undefined],
    ['GET', '/fu_authx', 'passthrough', 'other', 'legacy', undefined],
    ['GET', '/api/contacts', 'passthrough', '/api/*', 'legacy', undefined],
    ['GET', '/healthz', 'passthrough', '/healthz', 'legacy', undefined],
  ];
  for (const [method, url, kind, label, surface, body] of cases) {
    it(`when ${method} ${url}, then ${kind} labelled ${label} (${surface})${body ? ` reading ${body.field}` : ''}`, () => {
      const route = classifyRoute(method, url);
      expect(route.kind).to.equal(kind);
      expect(route.label).to.equal(label);
      expect(route.surface).to.equal(surface);
      expect(route.body).to.deep.equal(body);
    });
  }

  it('when a native reset or verify body is posted, then its token is read as a token, not an e-mail', () => {
    expect(classifyRoute('POST', '/fu_auth/reset-password').body).to.deep.equal({
      accepts: FU_JSON_BODY,
      field: 'token',
      holds: 'reset_token',
    });
    expect(classifyRoute('POST', '/FU_AUTH/verify').body?.holds).to.equal('verify_token');
    expect(classifyRoute('GET', '/fu_auth/verify').body).to.equal(undefined);
  });

  it('when the new arm serves /auth/<rest>, then the path becomes /fu_auth/legacy/<rest> with the query kept', () => {
    expect(newArmUrl('/auth/login?next=%2F')).to.equal('/fu_auth/legacy/login?next=%2F');
    expect(newArmUrl('/auth/me')).to.equal('/fu_auth/legacy/me');
  });
});
