import { UniqueConstraintError } from 'sequelize';
import { AppError } from '../../errors/app-error.js';
import type { ChangePasswordBody, RegisterBody } from '../../legacy-auth/schemas.js';
import type { PasswordHasher } from '../../passwords/password-hasher.js';
import { accountIsActive, type Account } from '../../sessions/account.js';
import type { SessionEnder } from '../../sessions/session-ender.js';
import type { LegacyUserRecord } from '../../users/legacy-user.js';
import type { LegacyUserRepository } from '../../users/legacy-user-repository.js';
import { checkPassword, findSubject, type LoginSubject } from '../lazy-migration.js';
import { EmailConflictError, type UserStore } from '../store/user-store.js';

/**
 * The legacy contract's rules, served by the new engine (docs/design/design.md: `/fu_auth/legacy/*`).
 * An account is its legacy row (the integer id and full name clients see) plus, normally, its
 * new-engine user, which is authoritative for the password, the e-mail and the flags.
 * Login names an account the way the new engine does (lazy-migration.ts `findSubject`: canonical
 * address, old twins never bound to the wrong one) and then, as the legacy contract has it, only
 * with the account's exact spelling. Registration refuses an address whose canonical form any
 * account holds (409, a deliberate change from the old exact-case check: docs/design/contracts/legacy.md).
 * An account without a user (a case-only twin the facade registered before the one-identity rule) keeps the
 * sessions it has until `users dedupe` resolves it; its address names its linked twin now.
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
  /**
   * Who an e-mail names, only when typed exactly as the account spells it (legacy contract).
   * `login: null` is an old twin the new engine does not bind (it does not hold the address, see
   * lazy-migration.ts): it is still a legacy account, so the facade serves it from its legacy row,
   * unbound, exactly as the legacy engine would — existing twins log in on both arms until dedupe,
   * and no spelling ever reaches another twin's new-engine user.
   */
  async function subjectFor(
    email: string,
  ): Promise<{ legacy: LegacyUserRecord; login: LoginSubject | null } | null> {
    const login = await findSubject(store(), email);
    const named = login && (login.kind === 'user' ? login.user : login.candidate);
    if (login && named && named.email === email && named.legacyUserId !== null) {
      const legacy = await legacyUsers.findById(named.legacyUserId);
      return legacy ? { legacy, login } : null;
    }
    const legacy = await legacyUsers.findByEmailExact(email);
    if (!legacy || (await store().getByLegacyId(legacy.id))) return null;
    return { legacy, login: null };
  }

  /** The account behind a verified password, or null (wrong password, or lost to a concurrent import). */
  async function verifiedAccount(
    subject: { legacy: LegacyUserRecord; login: LoginSubject | null },
    password: string,
  ): Promise<FacadeAccount | null> {
    if (subject.login === null)
      return (await hasher.verify(password, subject.legacy.hashedPassword))
        ? { legacy: subject.legacy, user: null }
        : null;
    const check = await checkPassword({ store: store(), hasher }, subject.login, password);
    // Not imported: another account took the address meanwhile (never serve the wrong twin).
    return check.verified && check.user ? { legacy: subject.legacy, user: check.user } : null;
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
      const account = await verifiedAccount(subject, password);
      if (!account) throw new AppError('INVALID_CREDENTIALS');
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
}
