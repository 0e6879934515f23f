/**
 * A failing query must not put the values it carried into the log: not the SQL text with values
 * interpolated, not the bind parameters, not PostgreSQL's `detail` ("Failing row contains …"),
 * not a data exception's quoted input.
 */
import { expect } from 'chai';
import request from 'supertest';
import { createApp } from '../../../src/app.js';
import type { AppDeps } from '../../../src/deps.js';
import { memoryLogger } from '../../../src/lib/logger.js';
import { buildTestDeps } from '../../helpers/test-deps.js';

const PREFIX = 'logsafety';
const CONSTRAINT = 'test_logsafety_rejects';

describe('logging of failed queries', () => {
  const memory = memoryLogger('info');
  let deps: AppDeps;
  let app: ReturnType<typeof createApp>;

  before(async () => {
    deps = buildTestDeps({ logger: memory.logger });
    app = createApp(deps);
    // Every insert of a marked address fails with a check violation whose detail is the whole row.
    await deps.sequelize.query(
      `ALTER TABLE users ADD CONSTRAINT ${CONSTRAINT} CHECK (email NOT LIKE '${PREFIX}-%') NOT VALID`,
    );
  });
  after(async () => {
    await deps.sequelize.query(`ALTER TABLE users DROP CONSTRAINT IF EXISTS ${CONSTRAINT}`);
    await deps.close();
  });

  const logged = () => memory.lines().join('\n');

  it('when a legacy registration fails in the database, then the log has the failure but neither the address, the password nor the hash', async () => {
    const email = `${PREFIX}-legacy-${Date.now()}@example.com`;
    const password = `Legacy-Secret-${Date.now()}`;
    const res = await request(app).post('/auth/register').send({ email, password });
    expect(res.status).to.equal(500);
    expect(logged()).to.contain(CONSTRAINT);
    expect(logged()).not.to.contain(email);
    expect(logged()).not.to.contain(password);
    expect(logged()).not.to.match(/\$2[aby]\$/);
  });

  it('when a /fu_auth registration fails in the database, then no address, password or argon2 hash is logged', async () => {
    const email = `${PREFIX}-fu-${Date.now()}@example.com`;
    const password = `Fu-Secret-${Date.now()}`;
    const res = await request(app).post('/fu_auth/register').send({ email, password });
    expect(res.status).to.equal(500);
    expect(logged()).to.contain(CONSTRAINT);
    expect(logged()).not.to.contain(email);
    expect(logged()).not.to.contain(password);
    expect(logged()).not.to.match(/\$argon2|\$2[aby]\$/);
  });

  it('when a query fails on its input (a data exception), then the quoted input is withheld', async () => {
    const secret = `not-a-uuid-${Date.now()}`;
    const inlined = () => deps.sequelize.query(`SELECT '${secret}'::uuid`);
    const bound = () => deps.sequelize.query('SELECT $value::uuid', { bind: { value: secret } });
    for (const failing of [inlined, bound]) {
      const error = await failing().then(
        () => expect.fail('expected the query to fail'),
        (e: unknown) => e,
      );
      memory.logger.error({ err: error }, 'query failed');
    }
    expect(logged()).to.contain('22P02');
    expect(logged()).not.to.contain(secret);
  });
});
