import { expect } from 'chai';
import request from 'supertest';
import { createApp } from '../../src/app.js';
import { ownDatabaseId } from '../../src/cutover/smoke-target.js';
import { createMigrator } from '../../src/db/migrator.js';
import { scratchDatabase } from '../helpers/database.js';
import { buildTestDeps } from '../helpers/test-deps.js';

describe('health endpoints', () => {
  it('when the database is migrated, then /healthz and /readyz answer 200', async () => {
    const deps = buildTestDeps();
    try {
      const app = createApp(deps);
      const health = await request(app).get('/healthz');
      expect(health.status).to.equal(200);
      expect(health.body).to.deep.equal({ status: 'ok' });
      const ready = await request(app).get('/readyz');
      expect(ready.status).to.equal(200);
      expect(ready.body).to.deep.equal({
        status: 'ready',
        ready: true,
        checks: { database: 'ok', migrations: 'ok' },
        database_id: await ownDatabaseId(deps.sequelize),
      });
    } finally {
      await deps.close();
    }
  });

  it('when migrations are pending, then /readyz is 503 and lists them; after migrating it is 200', async () => {
    const scratch = await scratchDatabase();
    const deps = buildTestDeps({ databaseUrl: scratch.url });
    try {
      const app = createApp(deps);
      const before = await request(app).get('/readyz');
      expect(before.status).to.equal(503);
      expect(before.body.checks).to.deep.equal({ database: 'ok', migrations: 'pending' });
      expect(before.body.pending).to.include('2026.01.01T00.00.00.create-users');
      await createMigrator({
        sequelize: deps.sequelize,
        databaseUrl: scratch.url,
        logger: deps.logger,
      }).up();
      expect((await request(app).get('/readyz')).status).to.equal(200);
    } finally {
      await deps.close();
      await scratch.drop();
    }
  });

  it('when the database is unreachable, then /readyz is 503 and /healthz still 200', async () => {
    const deps = buildTestDeps({ databaseUrl: 'postgres://nobody@127.0.0.1:1/none' });
    try {
      const app = createApp(deps);
      const ready = await request(app).get('/readyz');
      expect(ready.status).to.equal(503);
      expect(ready.body.checks.database).to.equal('unreachable');
      expect((await request(app).get('/healthz')).status).to.equal(200);
    } finally {
      await deps.close();
    }
  });
});
