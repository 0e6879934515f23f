import type { Transaction } from 'sequelize';
import { AppError } from '../errors/app-error.js';
import type { PasswordHasher } from '../passwords/password-hasher.js';
import type { SessionEnder } from '../sessions/session-ender.js';
import type { FuAuthHooks, RequestInfo, UpdateDict } from './hooks.js';
import { checkPassword, findSubject } from './lazy-migration.js';
import type { ActionTokens } from './strategies/action-tokens.js';
import {
  EmailConflictError,
  type FuUser,
  type FuUserChanges,
  type UserStore,
} from './store/user-store.js';
import { parseId } from './validation/parse-id.js';
import { passwordProblem, type PasswordPolicy } from './validation/password-policy.js';

export interface UserManagerDeps {
  /** A getter, so the active store can be switched at run time (the `user_store` setting). */
  store: () => UserStore;
  hasher: PasswordHasher;
  tokens: ActionTokens;
  hooks: FuAuthHooks;
  /**
   * Credential changes (password, reset, e-mail, deactivation, deletion) end the person's other
   * sessions on both engines, in the transaction of the change. JWTs live until `exp`.
   */
  sessions: Pick<SessionEnder, 'endOtherSessions'>;
  policy: PasswordPolicy;
  /**
   * FU_UNKNOWN_HASH: `bad_credentials` (default) answers a stored hash in an unknown format like a
   * wrong password; `error` restores upstream, where pwdlib's UnknownHashError becomes a 500.
   */
  unknownHash?: 'bad_credentials' | 'error';
}

/** What pwdlib raises for a hash no hasher identifies; upstream lets it become a 500. */
export class UnknownHashError extends Error {
  constructor() {
    super('the stored password hash has an unknown format (FU_UNKNOWN_HASH=error)');
    this.name = 'UnknownHashError';
  }
}

export interface UserCreate {
  email: string;
  password: string;
  isActive?: boolean;
  isSuperuser?: boolean;
  isVerified?: boolean;
}

export type UserManager = ReturnType<typeof createUserManager>;

const EDGE_SPACE = /^[ \t\r\n]|[ \t\r\n]$/;

/**
 * fastapi-users' BaseUserManager: the rules of every route, in upstream's order, throwing error
 * codes and never choosing HTTP statuses. No req/res here; hooks get a RequestInfo.
 * @see https://github.com/fastapi-users/fastapi-users/blob/master/fastapi_users/manager.py
 */
export function createUserManager(deps: UserManagerDeps) {
  const { hasher, tokens, hooks, policy, sessions } = deps;

  /** argon2id for the user, and bcrypt for the legacy twin when the store mirrors passwords. */
  async function hashes(password: string) {
    const [hashedPassword, legacyHashedPassword] = await Promise.all([
      hasher.hash(password),
      deps.store().legacyPasswordMirror ? hasher.hashLegacy(password) : undefined,
    ]);
    return { hashedPassword, legacyHashedPassword };
  }

  /** The user a token would be for; a legacy-only account is imported first (invariant 2). */
  async function userForToken(email: string): Promise<FuUser | null> {
    const store = deps.store();
    const subject = await findSubject(store, email);
    if (!subject) return null;
    if (subject.kind === 'user') return subject.user;
    if (!subject.candidate.isActive) return null;
    // The legacy hash moves over as it is (an invited user's NULL becomes '', which never
    // verifies); the next login rehashes it.
    return store.importLegacy(subject.candidate, subject.candidate.hashedPassword ?? '');
  }

  /** One transaction per write, so the user and its legacy twin change together (invariant 3). */
  async function write<T>(
    code: 'REGISTER_USER_ALREADY_EXISTS' | 'UPDATE_USER_EMAIL_ALREADY_EXISTS',
    work: (store: UserStore, transaction: Transaction) => Promise<T>,
  ): Promise<T> {
    const store = deps.store();
    try {
      return await store.transaction((transaction) => work(store, transaction));
    } catch (error) {
      if (error instanceof EmailConflictError) throw new AppError(code, { cause: error });
      throw error;
    }
  }

  return {
    /** Register (safe: the flags are the defaults) or the CLI's create (unsafe). */
    async create(input: UserCreate, request: RequestInfo): Promise<FuUser> {
      const reason = passwordProblem(policy, input.password, input.email);
      if (reason) throw new AppError('REGISTER_INVALID_PASSWORD', { reason });
      // Spares the hashing; the store decides race-free (its claim, in the insert's transaction).
      if (await deps.store().emailTaken(input.email))
        throw new AppError('REGISTER_USER_ALREADY_EXISTS');
      const { hashedPassword, legacyHashedPassword } = await hashes(input.password);
      const user = await write('REGISTER_USER_ALREADY_EXISTS', (store, transaction) =>
        store.create(
          {
            email: input.email,
            hashedPassword,
            legacyHashedPassword: legacyHashedPassword ?? null,
            isActive: input.isActive ?? true,
            isSuperuser: input.isSuperuser ?? false,
            isVerified: input.isVerified ?? false,
          },
          transaction,
        ),
      );
      await hooks.onAfterRegister(user, request);
      return user;
    },

    /** The user behind good credentials (active or not: the route decides), else null. */
    async authenticate(username: string, password: string): Promise<FuUser | null> {
      const store = deps.store();
      // The login username is not trimmed upstream (§5.1.2): `" a@x.com "` names nobody, although
      // the canonical form would drop the spaces.
      const subject = EDGE_SPACE.test(username) ? null : await findSubject(store, username);
      if (!subject) {
        // SECURITY: an unknown e-mail costs one hash too, so timing does not reveal accounts.
        await hasher.dummyVerify(password);
        return null;
      }
      const stored =
        subject.kind === 'user' ? subject.user.hashedPassword : subject.candidate.hashedPassword;
      // A NULL legacy hash (an invited user) has no upstream equivalent: it stays "bad credentials".
      if (deps.unknownHash === 'error' && hasher.format(stored) === 'unknown')
        throw new UnknownHashError();
      const check = await checkPassword({ store, hasher }, subject, password);
      return check.verified ? check.user : null;
    },

    async forgotPassword(email: string, request: RequestInfo): Promise<void> {
      const user = await userForToken(email);
      if (!user || !user.isActive) return;
      await hooks.onAfterForgotPassword(user, await tokens.forReset(user), request);
    },

    /** `keep`: session ids and tokens the request carries; every other session ends. */
    async resetPassword(
      token: string,
      password: string,
      request: RequestInfo,
      keep: readonly string[] = [],
    ): Promise<FuUser> {
      const claims = await tokens.readReset(token);
      const id = parseId(claims?.sub);
      const user = id ? await deps.store().getById(id) : null;
      if (!claims || !user || !(await tokens.fingerprintMatches(user, claims.fingerprint)))
        throw new AppError('RESET_PASSWORD_BAD_TOKEN');
      if (!user.isActive) throw new AppError('RESET_PASSWORD_BAD_TOKEN');
      const reason = passwordProblem(policy, password, user.email);
      if (reason) throw new AppError('RESET_PASSWORD_INVALID_PASSWORD', { reason });
      const changes = await hashes(password);
      const updated = await write(
        'UPDATE_USER_EMAIL_ALREADY_EXISTS',
        async (store, transaction) => {
          const saved = await store.update(user, changes, transaction);
          await sessions.endOtherSessions(user, keep, transaction);
          return saved;
        },
      );
      await hooks.onAfterResetPassword(user, request);
      return updated;
    },

    async requestVerify(email: string, request: RequestInfo): Promise<void> {
      const user = await userForToken(email);
      if (!user || !user.isActive || user.isVerified) return;
      await hooks.onAfterRequestVerify(user, await tokens.forVerify(user), request);
    },

    async verify(token: string, request: RequestInfo): Promise<FuUser> {
      const claims = await tokens.readVerify(token);
      if (!claims || typeof claims.email !== 'string') throw new AppError('VERIFY_USER_BAD_TOKEN');
      const user = await deps.store().getByEmail(claims.email);
      if (!user || parseId(claims.sub) !== user.id) throw new AppError('VERIFY_USER_BAD_TOKEN');
      if (user.isVerified) throw new AppError('VERIFY_USER_ALREADY_VERIFIED');
      const updated = await write('UPDATE_USER_EMAIL_ALREADY_EXISTS', (store, transaction) =>
        store.update(user, { isVerified: true }, transaction),
      );
      await hooks.onAfterVerify(updated, request);
      return updated;
    },

    /**
     * `_update`: fields in UserUpdate's order (password, email, flags), every check before any
     * write. The e-mail is compared as typed and then looked up canonically, so changing only the
     * case of one's own address is "already exists" (upstream quirk, §5.1.3). The store checks the
     * address again under its lock, in the write's transaction (no race with a registration).
     * A new password or e-mail, or a deactivation, ends every session of the user but those in
     * `keep` (the ones the request carries) — a deliberate addition: upstream revokes nothing.
     */
    async update(
      user: FuUser,
      update: UpdateDict,
      request: RequestInfo,
      keep: readonly string[] = [],
    ): Promise<FuUser> {
      const changes: FuUserChanges = {};
      if (update.password !== undefined) {
        const reason = passwordProblem(policy, update.password, user.email);
        if (reason) throw new AppError('UPDATE_USER_INVALID_PASSWORD', { reason });
      }
      if (update.email !== undefined && update.email !== user.email) {
        if (await deps.store().emailTaken(update.email))
          throw new AppError('UPDATE_USER_EMAIL_ALREADY_EXISTS');
        changes.email = update.email;
        // A new address is unverified (fastapi-users #778) unless the same request says otherwise.
        changes.isVerified = false;
      }
      if (update.password !== undefined) Object.assign(changes, await hashes(update.password));
      if (update.is_active !== undefined) changes.isActive = update.is_active;
      if (update.is_superuser !== undefined) changes.isSuperuser = update.is_superuser;
      if (update.is_verified !== undefined) changes.isVerified = update.is_verified;
      const credentialChange =
        update.password !== undefined || changes.email !== undefined || changes.isActive === false;
      const updated = await write(
        'UPDATE_USER_EMAIL_ALREADY_EXISTS',
        async (store, transaction) => {
          const saved = await store.update(user, changes, transaction);
          if (credentialChange) await sessions.endOtherSessions(user, keep, transaction);
          return saved;
        },
      );
      await hooks.onAfterUpdate(updated, update, request);
      return updated;
    },

    async delete(user: FuUser, request: RequestInfo): Promise<void> {
      await hooks.onBeforeDelete(user, request);
      const store = deps.store();
      // Tokens and facade sessions would go by cascade, express-session rows would not.
      await store.transaction(async (transaction) => {
        await sessions.endOtherSessions(user, [], transaction);
        await store.delete(user, transaction);
      });
      await hooks.onAfterDelete(user, request);
    },
  };
}
