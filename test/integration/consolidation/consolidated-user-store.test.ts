import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { createConsolidatedUserStore } from '../../../src/fu-auth/store/consolidated-user-store.js';
import { legacyContractSuite, portableSessionSuite } from '../../contract/legacy-contract.js';
import type { Phase1Database } from '../../helpers/consolidation.js';
import { phase2Database } from '../../helpers/phase2-database.js';
import { buildTestDeps } from '../../helpers/test-deps.js';
import { createApp } from '../../../src/app.js';
import type { AppDeps } from '../../../src/deps.js';
import type { RequestListener } from 'node:http';
import { userStoreContract } from '../fu-auth/user-store.contract.js';

describe('phase 2: the consolidated users store', () => {
  let db: Phase1Database;
  let deps: AppDeps;
  let app: RequestListener;
  before(async () => {
    db = await phase2Database();
    deps = buildTestDeps({ databaseUrl: db.url });
    await deps.fuAuth.userStore.start();
    app = createApp(deps);
  });
  after(async () => {
    await deps.close();
    await db.drop();
  });

  it('when user_store is users, then the app runs on the users store', () => {
    expect(deps.fuAuth.deps.store().kind).to.equal('users');
  });

  userStoreContract({
    name: 'users (bcrypt copy kept)',
    store: () => deps.fuAuth.deps.store(),
    sequelize: () => deps.sequelize,
  });
  userStoreContract({
    name: 'users (no bcrypt copy)',
    store: () =>
      createConsolidatedUserStore({
        sequelize: deps.sequelize,
        clock: deps.clock,
        keepBcryptCopy: false,
      }),
    sequelize: () => deps.sequelize,
  });

  legacyContractSuite({
    name: 'legacy engine on consolidated users',
    basePath: '/auth',
    app: () => app,
    sequelize: () => deps.sequelize,
  });
  legacyContractSuite({
    name: 'new engine facade on consolidated users',
    basePath: '/fu_auth/legacy',
    app: () => app,
    sequelize: () => deps.sequelize,
  });
  for (const basePath of ['/auth', '/fu_auth/legacy'])
    portableSessionSuite({
      name: `${basePath === '/auth' ? 'legacy engine' : 'new engine facade'} on consolidated users`,
      basePath,
      app: () => app,
      sequelize: () => deps.sequelize,
    });

  it('when a user is created with a bcrypt copy, then users keeps bcrypt for the legacy engine and argon2 for the new one', async () => {
    const user = await deps.fuAuth.deps.store().create({
      email: 'Copy.Keeper@example.com',
      hashedPassword: '$argon2id$v=19$m=1024,t=1,p=1$c2FsdA$aGFzaA',
      legacyHashedPassword: '$2b$04$legacylegacylegacylegacu',
      isActive: true,
      isSuperuser: true,
      isVerified: true,
    });
    const [row] = await deps.sequelize.query<Record<string, unknown>>(
      'SELECT hashed_password, fu_hashed_password, role, fu_linked, email_confirmed_at IS NOT NULL AS confirmed FROM users WHERE uuid = :id',
      { type: QueryTypes.SELECT, replacements: { id: user.id } },
    );
    expect(row).to.deep.equal({
      hashed_password: '$2b$04$legacylegacylegacylegacu',
      fu_hashed_password: '$argon2id$v=19$m=1024,t=1,p=1$c2FsdA$aGFzaA',
      role: 'admin',
      fu_linked: true,
      confirmed: true,
    });
  });

  it('when the new engine rehashes without a bcrypt copy kept, then the legacy hash becomes the new one too', async () => {
    const store = createConsolidatedUserStore({
      sequelize: deps.sequelize,
      clock: deps.clock,
      keepBcryptCopy: false,
    });
    const user = await store.create({
      email: 'no.copy@example.com',
      hashedPassword: 'old-argon',
      legacyHashedPassword: null,
      isActive: true,
      isSuperuser: false,
      isVerified: false,
    });
    await store.update(user, { hashedPassword: 'new-argon' });
    const [row] = await deps.sequelize.query<Record<string, unknown>>(
      'SELECT hashed_password, fu_hashed_password FROM users WHERE uuid = :id',
      { type: QueryTypes.SELECT, replacements: { id: user.id } },
    );
    expect(row).to.deep.equal({ hashed_password: 'new-argon', fu_hashed_password: 'new-argon' });
  });
});
