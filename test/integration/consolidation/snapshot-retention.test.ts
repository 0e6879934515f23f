import { expect } from 'chai';
import { silentLogger } from '../../../src/lib/logger.js';
import { createSnapshotKeeper } from '../../../src/snapshot/snapshot-keeper.js';
import { createSnapshotService } from '../../../src/snapshot/snapshot-service.js';
import { phase1Database, type Phase1Database } from '../../helpers/consolidation.js';

describe('snapshot retention of automatic snapshots', () => {
  let db: Phase1Database;
  beforeEach(async () => {
    db = await phase1Database();
  });
  afterEach(() => db.drop());

  it('when more automatic snapshots are taken than are kept, then the oldest automatic ones go and manual ones stay', async () => {
    const snapshots = createSnapshotService(db.sequelize);
    await snapshots.create('by-hand');
    const keeper = createSnapshotKeeper({
      sequelize: db.sequelize,
      databaseUrl: db.url,
      logger: silentLogger(),
      keepAutomatic: 2,
    });
    await keeper.takeAutomatic('pre-cutover-1', 'cutover');
    await keeper.takeAutomatic('pre-dedupe-1', 'dedupe');
    const third = await keeper.takeAutomatic('pre-cutover-2', 'cutover');
    expect(third).to.match(
      /dropped 1 older automatic snapshot\(s\) beyond the 2 kept \(pre-cutover-1\)/,
    );
    const left = (await snapshots.list()).map((m) => `${m.label}:${m.origin}`);
    expect(left).to.deep.equal(['by-hand:manual', 'pre-dedupe-1:dedupe', 'pre-cutover-2:cutover']);
  });
});
