/**
 * The UserStore contract (src/fu-auth/store/user-store.ts) as one suite that takes a store, so
 * every implementation (fu_users now, consolidated `users` in phase 2) passes the same checks.
 */
import { expect } from 'chai';
import type { Sequelize } from 'sequelize';
import {
  EmailConflictError,
  type NewFuUser,
  type UserStore,
} from '../../../src/fu-auth/store/user-store.js';
import { createLegacyUser, uniqueEmail } from '../../helpers/factories.js';

export interface StoreTarget {
  name: string;
  store: () => UserStore;
  sequelize: () => Sequelize;
}

const newUser = (overrides: Partial<NewFuUser> = {}): NewFuUser => ({
  email: uniqueEmail('store'),
  hashedPassword: '$argon2id$v=19$m=1024,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g',
  legacyHashedPassword: null,
  isActive: true,
  isSuperuser: false,
  isVerified: false,
  ...overrides,
});

export function userStoreContract(target: StoreTarget): void {
  describe(`UserStore contract: ${target.name}`, () => {
    const store = () => target.store();

    it('when a user is created, then it reads back by id, any spelling of its canonical address and legacy id', async () => {
      const created = await store().create(
        newUser({ email: uniqueEmail('store', 'bücher.de'), isSuperuser: true }),
      );
      expect(created.id).to.match(/^[0-9a-f-]{36}$/);
      expect(created.legacyUserId).to.be.a('number');
      for (const found of [
        await store().getById(created.id),
        await store().getByEmail(created.email),
        await store().getByEmail(
          ` ${created.email.toUpperCase().replace('BÜCHER', 'xn--bcher-kva')}`,
        ),
        await store().getByLegacyId(created.legacyUserId!),
      ])
        expect(found).to.deep.equal(created);
      expect(await store().getByEmail(created.email.replace('bücher', 'BÜCHER'))).to.equal(null);
    });

    it('when another user has the e-mail in another case, then create throws EmailConflictError', async () => {
      const created = await store().create(newUser());
      let error: unknown;
      await store()
        .create(newUser({ email: created.email.toUpperCase() }))
        .catch((e: unknown) => (error = e));
      expect(error).to.be.instanceOf(EmailConflictError);
    });

    it('when an update gives a user an address another account holds canonically, then EmailConflictError', async () => {
      const held = await createLegacyUser(target.sequelize(), {
        email: uniqueEmail('held', 'xn--bcher-kva.de'),
      });
      const created = await store().create(newUser());
      let error: unknown;
      await store()
        .update(created, { email: held.email.replace('xn--bcher-kva', 'bücher') })
        .catch((e: unknown) => (error = e));
      expect(error).to.be.instanceOf(EmailConflictError);
      expect(await store().getById(created.id)).to.deep.equal(created);
    });

    it('when fields are updated, then only those change, and the record is returned', async () => {
      const created = await store().create(newUser());
      const updated = await store().update(created, { isVerified: true, isActive: false });
      expect(updated).to.deep.equal({ ...created, isVerified: true, isActive: false });
      expect(await store().update(updated, {})).to.deep.equal(updated);
    });

    it('when an e-mail is taken by a user or by a legacy-only account, then emailTaken says so in any spelling of its canonical form', async () => {
      const created = await store().create(newUser());
      const legacy = await createLegacyUser(target.sequelize());
      expect(await store().emailTaken(created.email.toUpperCase())).to.equal(true);
      expect(await store().emailTaken(legacy.email.toUpperCase())).to.equal(true);
      const idn = await createLegacyUser(target.sequelize(), {
        email: uniqueEmail('idn', 'bücher.de'),
      });
      expect(await store().emailTaken(idn.email.replace('bücher', 'xn--bcher-kva'))).to.equal(true);
      expect(await store().emailTaken(idn.email.replace(/^idn/, '\u0130dn'))).to.equal(false);
      const kelvin = await createLegacyUser(target.sequelize(), { email: uniqueEmail('kelvin') });
      expect(await store().emailTaken(kelvin.email.replace(/^k/, '\u212A'))).to.equal(true);
      expect(await store().emailTaken(uniqueEmail('free'))).to.equal(false);
    });

    it('when a database token is read, then its user comes back while the token is young enough, and nothing otherwise', async () => {
      const created = await store().create(newUser());
      const token = `contract-token-${created.id.slice(0, 8)}-${Date.now()}`.padEnd(43, 'x');
      const createdAt = new Date(Date.now() - 60_000);
      await target
        .sequelize()
        .query('INSERT INTO fu_access_tokens (token, created_at, user_id) VALUES ($1, $2, $3)', {
          bind: [token, createdAt, created.id],
        });
      expect(
        await store().getByAccessToken(token, new Date(createdAt.getTime() - 1)),
      ).to.deep.equal(created);
      expect(await store().getByAccessToken(token, createdAt)).to.deep.equal(created);
      expect(await store().getByAccessToken(token, new Date(createdAt.getTime() + 1000))).to.equal(
        null,
      );
      expect(await store().getByAccessToken(`${token.slice(0, 42)}y`, createdAt)).to.equal(null);
    });

    it('when a legacy account is read, then its legacy row and its user come back together', async () => {
      const created = await store().create(newUser({ fullName: 'Contract Person' }));
      const account = await store().getLegacyAccount(created.legacyUserId!);
      expect(account?.user).to.deep.equal(created);
      expect(account?.legacy).to.include({
        id: created.legacyUserId,
        email: created.email,
        fullName: 'Contract Person',
        isActive: true,
      });
      expect(account?.legacy.createdAt).to.be.instanceOf(Date);
      await store().update(created, { isActive: false });
      const disabled = await store().getLegacyAccount(created.legacyUserId!);
      expect(disabled?.user?.isActive).to.equal(false);
      expect(await store().getLegacyAccount(2_000_000_000)).to.equal(null);
    });

    it('when a user is deleted inside a transaction that rolls back, then it is still there', async () => {
      const created = await store().create(newUser());
      await store()
        .transaction(async (transaction) => {
          await store().delete(created, transaction);
          throw new Error('roll back');
        })
        .catch(() => undefined);
      expect(await store().getById(created.id)).to.deep.equal(created);
      await store().delete(created);
      expect(await store().getById(created.id)).to.equal(null);
    });

    it('when a legacy password change is followed, then the user takes that hash', async () => {
      const created = await store().create(newUser());
      await store().followLegacyPassword(created.legacyUserId!, '$2b$04$abcdefghijklmnopqrstuu');
      expect((await store().getById(created.id))!.hashedPassword).to.equal(
        '$2b$04$abcdefghijklmnopqrstuu',
      );
    });
  });
}
