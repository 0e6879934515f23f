import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import type { AppDeps } from '../../../src/deps.js';
import { createSplitUserStore } from '../../../src/fu-auth/store/split-user-store.js';
import { createLegacyUser, uniqueEmail } from '../../helpers/factories.js';
import { buildTestDeps } from '../../helpers/test-deps.js';
import { userStoreContract } from './user-store.contract.js';

describe('fu_users store', () => {
  let deps: AppDeps;
  before(() => {
    deps = buildTestDeps();
  });
  after(() => deps.close());

  userStoreContract({
    name: 'fu_users (write-back on)',
    store: () => deps.fuAuth.deps.store(),
    sequelize: () => deps.sequelize,
  });

  userStoreContract({
    name: 'fu_users (write-back off)',
    store: () =>
      createSplitUserStore({ sequelize: deps.sequelize, clock: deps.clock, writeBack: false }),
    sequelize: () => deps.sequelize,
  });

  it('when a user is created with write-back on, then the legacy twin holds the same e-mail, flags and bcrypt hash', async () => {
    const email = `Twin.${uniqueEmail('case')}`;
    const user = await deps.fuAuth.deps.store().create({
      email,
      hashedPassword: 'argon',
      legacyHashedPassword: '$2b$04$legacy',
      isActive: false,
      isSuperuser: true,
      isVerified: true,
      fullName: 'Twin Case',
    });
    const [row] = await deps.sequelize.query<Record<string, unknown>>(
      'SELECT email, full_name, hashed_password, is_active, role, email_confirmed_at FROM users WHERE id = :id',
      { type: QueryTypes.SELECT, replacements: { id: user.legacyUserId } },
    );
    expect(row).to.include({
      email,
      full_name: 'Twin Case',
      hashed_password: '$2b$04$legacy',
      is_active: 0,
      role: 'admin',
    });
    expect(row!.email_confirmed_at).to.be.instanceOf(Date);
  });

  it('when legacy twins hold an address, then legacyHolders lists them oldest first with the linked one marked', async () => {
    const lower = uniqueEmail('holders');
    const older = await createLegacyUser(deps.sequelize, { email: lower.toUpperCase() });
    const newer = await createLegacyUser(deps.sequelize, { email: lower });
    await deps.sequelize.query(
      `UPDATE users SET created_at = now() - interval '1 year' WHERE id = :id`,
      { replacements: { id: older.id } },
    );
    await deps.sequelize.query(
      `INSERT INTO fu_users (id, email, hashed_password, is_active, is_superuser, is_verified, legacy_user_id)
       VALUES (gen_random_uuid(), :email, '', true, false, false, :id)`,
      { replacements: { email: lower, id: newer.id } },
    );
    const holders = await deps.fuAuth.deps.store().legacyHolders(` ${lower}`);
    expect(holders.map((h) => [h.legacyUserId, h.email, h.linked])).to.deep.equal([
      [older.id, older.email, false],
      [newer.id, newer.email, true],
    ]);
    expect(holders[0]!.createdAt).to.be.instanceOf(Date);
  });
});
