import { expect } from 'chai';
import { classifyRoute } from '../../../../proxy/http/route-table.js';
import { surfaceOf } from '../../../../src/lib/contracts/surface.js';

describe('surface of a path', () => {
  const paths = [
    '/fu_auth',
    '/fu_auth/',
    '/fu_auth/register',
    '/FU_AUTH/users/me?x=1',
    '/fu_auth/users/%E0',
    '/fu_auth/legacy',
    '/fu_auth/legacy/login',
    '/Fu_Auth/Legacy/me/',
    '/fu_authx',
    '/fu_auth;x',
    '/auth/login',
    '/api/contacts',
    '/healthz',
    '/',
  ];

  it('when a path is under /fu_auth but not its legacy facade, then it is the fastapi-users surface', () => {
    expect(paths.filter((p) => surfaceOf(p) === 'fu')).to.deep.equal([
      '/fu_auth',
      '/fu_auth/',
      '/fu_auth/register',
      '/FU_AUTH/users/me?x=1',
      '/fu_auth/users/%E0',
    ]);
  });

  it("when the proxy classifies a path, then it names the monolith's surface for it", () => {
    for (const path of paths)
      for (const method of ['GET', 'POST'])
        expect(classifyRoute(method, path).surface, `${method} ${path}`).to.equal(surfaceOf(path));
  });
});
