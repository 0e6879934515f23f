import { UniqueConstraintError } from 'sequelize';
import { AppError } from '../../errors/app-error.js';
import type { ChangePasswordBody, RegisterBody } from '../../legacy-auth/schemas.js';
import type { PasswordHasher } from '../../passwords/password-hasher.js';
import type { LegacyPublicUser, LegacyUserRecord } from '../../users/legacy-user.js';
import type { LegacyUserRepository } from '../../users/legacy-user-repository.js';
import { checkPassword, type LoginSubject } from '../lazy-migration.js';
import { legacyCandidate } from '../store/legacy-candidate.js';
import { EmailConflictError, type FuUser, type UserStore } from '../store/user-store.js';

/**
 * The legacy contract's rules, served by the new engine (DESIGN.md: `/fu_auth/legacy/*`).
 * Lookups are exact-case, like the legacy engine's. An account is its legacy row (the integer id
 * and full name clients see) plus, normally, its new-engine user, which is authoritative for the
 * password, the e-mail and the flags. An account without a user is one whose e-mail differs only
 * by case from another account's: `fu_users` cannot hold it (unique lower(email)), so it is served
 * from its legacy row until `users dedupe` resolves the clash — and registering such an e-mail
 * through the facade still answers 201, as the legacy engine does.
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
  /** Who an exact e-mail names; null when nobody, or when the new engine knows them by another one. */
  async function subjectFor(
    email: string,
  ): Promise<{ legacy: LegacyUserRecord; login: LoginSubject } | null> {
    const user = await store().getByEmailExact(email);
    if (user) {
      const legacy =
        user.legacyUserId === null ? null : await legacyUsers.findById(user.legacyUserId);
      return legacy ? { legacy, login: { kind: 'user', user } } : null;
    }
    const legacy = await legacyUsers.findByEmailExact(email);
    if (!legacy || (await store().getByLegacyId(legacy.id))) return null;
    return { legacy, login: { kind: 'legacy', candidate: legacyCandidate(legacy) } };
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
      if (!check.verified) throw new AppError('INVALID_CREDENTIALS');
      const account = { legacy: subject.legacy, user: check.user };
      if (!isActive(account)) throw new AppError('ACCOUNT_DISABLED');
      await legacyUsers.touchLastLogin(account.legacy.id);
      return account;
    },

    /** Exact-case duplicates are 409; a case-only duplicate is a 201 legacy-only account. */
    async register(body: RegisterBody): Promise<FacadeAccount> {
      const taken =
        (await legacyUsers.findByEmailExact(body.email)) ??
        (await store().getByEmailExact(body.email));
      if (taken) throw new AppError('EMAIL_TAKEN');
      try {
        if (await store().emailTaken(body.email)) return await registerLegacyOnly(body);
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

  async function registerLegacyOnly(body: RegisterBody): Promise<FacadeAccount> {
    const legacy = await legacyUsers.create({
      email: body.email,
      fullName: body.full_name ?? null,
      hashedPassword: await hasher.hashLegacy(body.password),
    });
    return { legacy, user: null };
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
