import { UniqueConstraintError } from 'sequelize';
import { AppError } from '../../errors/app-error.js';
import type { ChangePasswordBody, RegisterBody } from '../../legacy-auth/schemas.js';
import type { PasswordHasher } from '../../passwords/password-hasher.js';
import { accountIsActive, type Account } from '../../sessions/account.js';
import type { SessionEnder } from '../../sessions/session-ender.js';
import type { LegacyUserRecord } from '../../users/legacy-user.js';
import type { LegacyUserRepository } from '../../users/legacy-user-repository.js';
import { checkPassword, type LoginSubject } from '../lazy-migration.js';
import { legacyCandidate } from '../store/legacy-candidate.js';
import { EmailConflictError, type UserStore } from '../store/user-store.js';

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
export type FacadeAccount = Account;

export interface FacadeServiceDeps {
  store: () => UserStore;
  legacyUsers: LegacyUserRepository;
  hasher: PasswordHasher;
  /** A password change ends the person's other sessions on both engines. */
  sessions: Pick<SessionEnder, 'endOtherSessions'>;
}

export type FacadeService = ReturnType<typeof createFacadeService>;

export function createFacadeService({ store, legacyUsers, hasher, sessions }: FacadeServiceDeps) {
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

  const isActive = accountIsActive;

  return {
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

    /** `keep`: the session ids and tokens of the request that makes the change, which stay. */
    async changePassword(
      account: FacadeAccount,
      body: ChangePasswordBody,
      keep: readonly string[],
    ): Promise<void> {
      const stored = account.user ? account.user.hashedPassword : account.legacy.hashedPassword;
      if (!(await hasher.verify(body.current_password, stored)))
        throw new AppError('WRONG_CURRENT_PASSWORD');
      const { user } = account;
      // A legacy-only account has no new-engine user: its legacy row takes the new password.
      const [changes, legacyHash] = user
        ? [await passwordHashes(body.new_password), null]
        : [null, await hasher.hashLegacy(body.new_password)];
      await store().transaction(async (transaction) => {
        if (user && changes) await store().update(user, changes, transaction);
        if (legacyHash) await legacyUsers.setPassword(account.legacy.id, legacyHash, transaction);
        await sessions.endOtherSessions({ legacyUserId: account.legacy.id }, keep, transaction);
      });
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
