/**
 * Property: no generated request (any route of either surface, any method, path parameter, query,
 * header, content type, encoding or body, with or without a real credential) makes the monolith
 * answer a 5xx, and every JSON error is in the format of the path's surface. Fixed seed and run
 * count, so the run is repeatable and its time bounded.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import fc from 'fast-check';
import { createFuUser, jwtLogin } from '../../helpers/fu-auth.js';
import {
  answerProblem,
  credentialsAt,
  describeRequest,
  fuzzRequest,
  hostileExamples,
  sendFuzz,
} from '../../helpers/fuzz-requests.js';
import { useTestApp } from '../../helpers/test-deps.js';

describe('property: input never causes a 5xx (monolith, both surfaces)', function () {
  this.timeout(90_000);
  const t = useTestApp();
  let server: http.Server;
  let url: string;
  let superuser = '';

  before(async () => {
    server = http.createServer(t.app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const admin = await createFuUser(t.deps, { superuser: true });
    superuser = `Bearer ${await jwtLogin(t.app, admin.email, admin.password)}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('when generated requests reach every route, then none answers 5xx or another surface format', async () => {
    const credentials = credentialsAt(url, {
      superuserBearer: () => superuser,
      promoteToAdmin: async (email) => {
        await t.deps.sequelize.query(`UPDATE users SET role = 'admin' WHERE email = :email`, {
          replacements: { email },
        });
      },
    });
    await fc.assert(
      fc.asyncProperty(fuzzRequest, async (req) => {
        const res = await sendFuzz(url, req, credentials);
        expect(answerProblem(req, res), describeRequest(req)).to.equal(null);
      }),
      { seed: 20261203, examples: hostileExamples().map((req) => [req]), numRuns: 300 },
    );
  });
});
