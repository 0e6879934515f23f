import { UniqueConstraintError, type Transaction } from 'sequelize';
import { AppError } from '../errors/app-error.js';
import type { PasswordHasher } from '../passwords/password-hasher.js';
import type { AddressClaims } from '../users/address-claim.js';
import type { LegacyUserRecord } from '../users/legacy-user.js';
import type { LegacyUserRepository } from '../users/legacy-user-repository.js';
import type { SessionEnder } from '../sessions/session-ender.js';
import type { ChangePasswordBody, RegisterBody } from './schemas.js';

export type Transact = <T>(work: (transaction: Transaction) => Promise<T>) => Promise<T>;

/**
 * Lets another engine keep its copy of a legacy user in step with writes made here, inside the
 * same transaction (the new engine's store follows legacy password changes this way).
 */
export interface LegacyWriteObserver {
  passwordChanged(
    user: LegacyUserRecord,
    legacyHash: string,
    transaction: Transaction,
  ): Promise<void>;
}

export interface LegacyAuthServiceDeps {
  users: LegacyUserRepository;
  hasher: PasswordHasher;
  transact: Transact;
  /** A password change ends the person's other sessions on both engines. */
  sessions: Pick<SessionEnder, 'endOtherSessions'>;
  /** Who holds an address, on either engine (one identity per canonical address). */
  addresses: AddressClaims;
  observers?: LegacyWriteObserver[];
}

export type LegacyAuthService = ReturnType<typeof createLegacyAuthService>;

/**
 * The legacy engine's rules, unchanged for existing clients but one: registration refuses an
 * address whose canonical form any account holds (docs/design/contracts/legacy.md). Login stays exact-case,
 * so old case-only twins keep logging in here. No req/res here.
 */
export function createLegacyAuthService({
  users,
  hasher,
  transact,
  sessions,
  addresses,
  observers = [],
}: LegacyAuthServiceDeps) {
  return {
    /** Exact-case lookup; every failure before the password check looks the same to the client. */
    async authenticate(email: string, password: string): Promise<LegacyUserRecord> {
      const user = await users.findByEmailExact(email);
      if (!user) {
        await hasher.dummyVerify(password);
        throw new AppError('INVALID_CREDENTIALS');
      }
      if (!(await hasher.verify(password, user.hashedPassword)))
        throw new AppError('INVALID_CREDENTIALS');
      if (!user.isActive) throw new AppError('ACCOUNT_DISABLED');
      await users.touchLastLogin(user.id);
      return user;
    },

    async register(body: RegisterBody): Promise<LegacyUserRecord> {
      if (await addresses.taken(body.email)) throw new AppError('EMAIL_TAKEN');
      const hashedPassword = await hasher.hashLegacy(body.password);
      try {
        // The claim locks the canonical address until commit, so a registration of another
        // spelling on either engine waits and then sees this one. A lost deadlock (the cutover's
        // triggers, say) runs the transaction again instead of failing the registration.
        return await transact(async (transaction) => {
          if ((await addresses.claim(body.email, transaction)) === 'taken')
            throw new AppError('EMAIL_TAKEN');
          return users.create(
            { email: body.email, fullName: body.full_name ?? null, hashedPassword },
            transaction,
          );
        });
      } catch (error) {
        // The exact-case unique index still backs the claim.
        if (error instanceof UniqueConstraintError)
          throw new AppError('EMAIL_TAKEN', { cause: error });
        throw error;
      }
    },

    /** `keep`: the session ids and tokens of the request that makes the change, which stay. */
    async changePassword(
      user: LegacyUserRecord,
      body: ChangePasswordBody,
      keep: readonly string[],
    ): Promise<void> {
      if (!(await hasher.verify(body.current_password, user.hashedPassword))) {
        throw new AppError('WRONG_CURRENT_PASSWORD');
      }
      const hash = await hasher.hashLegacy(body.new_password);
      await transact(async (transaction) => {
        await users.setPassword(user.id, hash, transaction);
        for (const observer of observers) await observer.passwordChanged(user, hash, transaction);
        await sessions.endOtherSessions({ legacyUserId: user.id }, keep, transaction);
      });
    },

    /** Session → user: a deleted or deactivated account is simply not logged in any more. */
    async userForSession(id: number): Promise<LegacyUserRecord | null> {
      const user = await users.findById(id);
      return user && user.isActive ? user : null;
    },
  };
}
