import { UniqueConstraintError } from 'sequelize';
import { AppError } from '../../errors/app-error.js';
import type { ChangePasswordBody, RegisterBody } from '../../legacy-auth/schemas.js';
import type { PasswordHasher } from '../../passwords/password-hasher.js';
import type { LegacyPublicUser, LegacyUserRecord } from '../../users/legacy-user.js';
import type { LegacyUserRepository } from '../../users/legacy-user-repository.js';
import { checkPassword, findSubject, type LoginSubject } from '../lazy-migration.js';
import { EmailConflictError, type FuUser, type UserStore } from '../store/user-store.js';

/**
 * The legacy contract's rules, served by the new engine (DESIGN.md: `/fu_auth/legacy/*`).
 * An account is its legacy row (the integer id and full name clients see) plus, normally, its
 * new-engine user, which is authoritative for the password, the e-mail and the flags.
 * Login names an account the way the new engine does (lazy-migration.ts `findSubject`: canonical
 * address, old twins never bound to the wrong one) and then, as the legacy contract has it, only
 * with the account's exact spelling. Registration refuses an address whose canonical form any
 * account holds (409, a deliberate change from the old exact-case check: contracts/legacy.md).
 * An account without a user (a case-only twin the facade registered before issue 10) keeps the
 * sessions it has until `users dedupe` resolves it; its address names its linked twin now.
 * Facade writes are not fastapi-users operations, so they fire no fastapi-users hooks.
 */
export interface FacadeAccount {
  legacy: LegacyUserRecord;
  user: FuUser | null;
}

export interface FacadeServiceDeps {
  store: () => UserStore;
  legacyUsers: LegacyUserRepository;
  hasher: PasswordHasher;
}

export type FacadeService = ReturnType<typeof createFacadeService>;

export function createFacadeService({ store, legacyUsers, hasher }: FacadeServiceDeps) {
  /** Who an e-mail names, only when typed exactly as the account spells it (legacy contract). */
  async function subjectFor(
    email: string,
  ): Promise<{ legacy: LegacyUserRecord; login: LoginSubject } | null> {
    const login = await findSubject(store(), email);
    if (!login) return null;
    const { email: spelling, legacyUserId } = login.kind === 'user' ? login.user : login.candidate;
    if (spelling !== email || legacyUserId === null) return null;
    const legacy = await legacyUsers.findById(legacyUserId);
    return legacy ? { legacy, login } : null;
  }

  const isActive = (account: FacadeAccount) =>
    account.user ? account.user.isActive : account.legacy.isActive;

  return {
    isActive,

    /** Legacy order: unknown/wrong/no password → 401 first, only then a disabled account → 403. */
    async login(email: string, password: string): Promise<FacadeAccount> {
      const subject = await subjectFor(email);
      if (!subject) {
        await hasher.dummyVerify(password);
        throw new AppError('INVALID_CREDENTIALS');
      }
      const check = await checkPassword({ store: store(), hasher }, subject.login, password);
      // Not imported: another account took the address meanwhile (never serve the wrong twin).
      if (!check.verified || !check.user) throw new AppError('INVALID_CREDENTIALS');
      const account = { legacy: subject.legacy, user: check.user };
      if (!isActive(account)) throw new AppError('ACCOUNT_DISABLED');
      await legacyUsers.touchLastLogin(account.legacy.id);
      return account;
    },

    /** 409 when any account holds the address canonically, decided race-free by the store. */
    async register(body: RegisterBody): Promise<FacadeAccount> {
      if (await store().emailTaken(body.email)) throw new AppError('EMAIL_TAKEN');
      try {
        return await registerUser(body);
      } catch (error) {
        if (error instanceof EmailConflictError || error instanceof UniqueConstraintError)
          throw new AppError('EMAIL_TAKEN', { cause: error });
        throw error;
      }
    },

    async changePassword(account: FacadeAccount, body: ChangePasswordBody): Promise<void> {
      const stored = account.user ? account.user.hashedPassword : account.legacy.hashedPassword;
      if (!(await hasher.verify(body.current_password, stored)))
        throw new AppError('WRONG_CURRENT_PASSWORD');
      const { user } = account;
      if (!user) {
        await legacyUsers.setPassword(
          account.legacy.id,
          await hasher.hashLegacy(body.new_password),
        );
        return;
      }
      const changes = await passwordHashes(body.new_password);
      await store().transaction((transaction) => store().update(user, changes, transaction));
    },

    /** The account behind a session, or null when it is gone or disabled. */
    async accountFor(legacyUserId: number): Promise<FacadeAccount | null> {
      const legacy = await legacyUsers.findById(legacyUserId);
      if (!legacy) return null;
      const account = { legacy, user: await store().getByLegacyId(legacyUserId) };
      return isActive(account) ? account : null;
    },
  };

  async function passwordHashes(password: string) {
    const [hashedPassword, legacyHashedPassword] = await Promise.all([
      hasher.hash(password),
      store().legacyPasswordMirror ? hasher.hashLegacy(password) : undefined,
    ]);
    return { hashedPassword, legacyHashedPassword };
  }

  async function registerUser(body: RegisterBody): Promise<FacadeAccount> {
    const { hashedPassword, legacyHashedPassword } = await passwordHashes(body.password);
    const user = await store().transaction((transaction) =>
      store().create(
        {
          email: body.email,
          hashedPassword,
          legacyHashedPassword: legacyHashedPassword ?? null,
          isActive: true,
          isSuperuser: false,
          isVerified: false,
          fullName: body.full_name ?? null,
        },
        transaction,
      ),
    );
    const legacy = await legacyUsers.findById(user.legacyUserId!);
    return { legacy: legacy!, user };
  }
}

/**
 * The legacy user object for an account. The new engine's user decides the e-mail and whether
 * the role is 'admin' (superuser); any other legacy role is kept, as the write-back keeps it.
 */
export function facadePublicUser(account: FacadeAccount): LegacyPublicUser {
  const { legacy, user } = account;
  const role = !user
    ? legacy.role
    : user.isSuperuser
      ? 'admin'
      : legacy.role === 'admin'
        ? 'user'
        : legacy.role;
  return {
    id: legacy.id,
    email: user?.email ?? legacy.email,
    full_name: legacy.fullName,
    role,
  };
}
