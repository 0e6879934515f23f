import { expect } from 'chai';
import { QueryTypes, type Sequelize } from 'sequelize';
import { createPreparedRead } from '../../../src/db/prepared-reads.js';
import { createSequelize } from '../../../src/db/sequelize.js';
import { silentLogger } from '../../../src/lib/logger.js';
import { scratchDatabase } from '../../helpers/database.js';

describe('prepared reads (pg prepared statements on Sequelize’s pool)', () => {
  let scratch: { url: string; drop(): Promise<void> };
  let sequelize: Sequelize;
  const exec = (sql: string) => sequelize.query(sql, { type: QueryTypes.RAW });
  const SQL = 'SELECT id, flag FROM flags WHERE id = $1';

  before(async () => {
    scratch = await scratchDatabase();
    // One connection: every read below reuses the statement prepared on it.
    sequelize = createSequelize({ url: scratch.url, poolMax: 1, logger: silentLogger() });
    await exec(`CREATE TABLE flags (id int PRIMARY KEY, flag smallint)`);
    await exec(`INSERT INTO flags VALUES (1, 1), (2, 0)`);
  });
  after(async () => {
    await sequelize.close();
    await scratch.drop();
  });

  it('when a read runs outside and inside a transaction, then both give the same rows', async () => {
    const read = createPreparedRead(sequelize);
    const outside = await read<{ id: number; flag: number }>(SQL, [1]);
    const inside = await sequelize.transaction((t) =>
      read<{ id: number; flag: number }>(SQL, [1], t),
    );
    expect(outside).to.deep.equal([{ id: 1, flag: 1 }]);
    expect(inside).to.deep.equal(outside);
    expect(await read(SQL, [3])).to.deep.equal([]);
  });

  it('when a column changes type after the statement was prepared (as consolidation does), then the read still answers', async () => {
    const read = createPreparedRead(sequelize);
    expect(await read(SQL, [2])).to.deep.equal([{ id: 2, flag: 0 }]);
    await exec(`ALTER TABLE flags ALTER COLUMN flag TYPE boolean USING flag = 1`);
    expect(await read(SQL, [2])).to.deep.equal([{ id: 2, flag: false }]);
    expect(await read(SQL, [1])).to.deep.equal([{ id: 1, flag: true }]);
  });
});
