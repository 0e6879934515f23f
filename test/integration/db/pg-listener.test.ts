import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { createPgListener } from '../../../src/lib/pg/pg-listener.js';
import { testDatabaseUrl } from '../../helpers/database.js';
import { eventually } from '../../helpers/eventually.js';

describe('createPgListener (LISTEN with reconnection)', () => {
  let admin: pg.Client;
  const channel = `test_channel_${randomBytes(4).toString('hex')}`;
  const applicationName = `listener-test-${randomBytes(4).toString('hex')}`;
  const connections = async () =>
    Number(
      (
        await admin.query<{ n: string }>(
          `SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1`,
          [applicationName],
        )
      ).rows[0]?.n,
    );
  before(async () => {
    admin = new pg.Client({ connectionString: testDatabaseUrl() });
    await admin.connect();
  });
  after(() => admin.end());

  it('when a NOTIFY is sent, then onNotification runs; when the backend is killed, then it listens again', async () => {
    let notified = 0;
    let listening = 0;
    const listener = createPgListener({
      databaseUrl: testDatabaseUrl(),
      channel,
      applicationName,
      retryMs: 50,
      onNotification: () => (notified += 1),
      onListening: () => (listening += 1),
    });
    try {
      await listener.start();
      expect(listening).to.equal(1);
      await admin.query(`NOTIFY ${channel}`);
      await eventually(() => notified === 1);
      await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1`,
        [applicationName],
      );
      await eventually(() => listening === 2);
      await admin.query(`NOTIFY ${channel}`);
      await eventually(() => notified === 2);
    } finally {
      await listener.stop();
    }
    await eventually(async () => (await connections()) === 0);
  });

  it('when stop() comes while the first connection is still being made, then no connection is left behind', async () => {
    const listener = createPgListener({
      databaseUrl: testDatabaseUrl(),
      channel,
      applicationName,
      onNotification: () => undefined,
      onListening: () => undefined,
    });
    const starting = listener.start();
    await listener.stop();
    await starting;
    await sleep(100);
    expect(await connections()).to.equal(0);
  });
});
