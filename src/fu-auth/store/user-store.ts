import type { Transaction } from 'sequelize';
import type { LegacyUserRecord } from '../../users/legacy-user.js';

/**
 * The new engine's only door to user data. Every SQL statement about users that the new engine
 * runs lives behind this interface, so the table layout can change under it:
 * - phase 1 (`fu_users`, this repository): `createSplitUserStore`, which also mirrors every write
 *   into the legacy `users` twin in the same transaction (invariant 3, "write-back");
 * - phase 2 (consolidated `users`): a second implementation over `users` (which then has
 *   `uuid`, `is_verified`, `is_superuser` and a boolean `is_active`), chosen at run time by the
 *   `user_store` setting. It has nothing to mirror and no legacy-only rows to import, so there
 *   `legacyPasswordMirror` is false and `legacyHolders` returns [] (the table is unique on the
 *   canonical address, so there are no twins either).
 *
 * Rules every implementation keeps (the shared contract suite in
 * test/integration/fu-auth/user-store.contract.ts checks them):
 * - records are plain objects; `id` is a lowercase hyphenated UUID string;
 * - `getByEmail` compares canonical addresses (src/lib/identity/canonical-email.ts: case, NFC,
 *   IDN);
 * - every method takes an optional transaction and runs inside it; `transaction(work)` opens one;
 * - a write that would give an account an address whose canonical form another account holds
 *   (`emailTaken`) throws `EmailConflictError`, race-free: `create` and an e-mail `update` claim
 *   the address under a lock first (users/address-claim.ts), in the caller's transaction or
 *   their own.
 */
export interface FuUser {
  id: string;
  email: string;
  hashedPassword: string;
  isActive: boolean;
  isSuperuser: boolean;
  isVerified: boolean;
  /** `users.id` of the legacy twin; null only for rows made outside this engine. */
  legacyUserId: number | null;
}

/** A legacy `users` row as the new engine would import it: a lazy-migration candidate. */
export interface LegacyCandidate {
  legacyUserId: number;
  email: string;
  /** As stored by the legacy system: bcrypt, passlib pbkdf2_sha256, NULL (invited) or junk. */
  hashedPassword: string | null;
  isActive: boolean;
  /** role 'admin' → superuser; `email_confirmed_at` set → verified. */
  isSuperuser: boolean;
  isVerified: boolean;
}

/** A legacy row holding an address canonically, with what lazy migration's twin rule weighs. */
export interface LegacyHolder extends LegacyCandidate {
  createdAt: Date;
  /** The row already has a new-engine user (under this address or another one). */
  linked: boolean;
}

export interface NewFuUser {
  email: string;
  hashedPassword: string;
  /** bcrypt of the same password for the legacy twin; null leaves the twin without a password. */
  legacyHashedPassword: string | null;
  isActive: boolean;
  isSuperuser: boolean;
  isVerified: boolean;
  /** Only the legacy facade knows a full name; it lives on the legacy twin. */
  fullName?: string | null;
}

/**
 * Only keys that are present change. A new `hashedPassword` without `legacyHashedPassword` is a
 * rehash of the same password (the legacy hash still verifies it), so the twin keeps its hash.
 */
export interface FuUserChanges {
  email?: string;
  hashedPassword?: string;
  legacyHashedPassword?: string;
  isActive?: boolean;
  isSuperuser?: boolean;
  isVerified?: boolean;
  /**
   * Write only if the user's hash is still this one (else nothing changes and the user comes back
   * as given): a rehash after a verification must not undo a password change that committed
   * since.
   */
  ifHashedPassword?: string;
}

export interface UserStore {
  readonly kind: 'fu_users' | 'users';
  /** True when password writes must also carry a bcrypt hash for the legacy twin. */
  readonly legacyPasswordMirror: boolean;
  transaction<T>(work: (transaction: Transaction) => Promise<T>): Promise<T>;

  getById(id: string, transaction?: Transaction): Promise<FuUser | null>;
  getByEmail(email: string, transaction?: Transaction): Promise<FuUser | null>;
  getByLegacyId(legacyUserId: number, transaction?: Transaction): Promise<FuUser | null>;
  /**
   * The user of a database-strategy token (`fu_access_tokens`) created at or after `notBefore`,
   * in one statement: what every request with a `fastapiusersauth` cookie asks.
   */
  getByAccessToken(token: string, notBefore: Date): Promise<FuUser | null>;
  /**
   * The legacy `users` row and the user linked to it (null when it has none), in one statement:
   * the account behind a facade session. null when there is no such legacy row.
   */
  getLegacyAccount(
    legacyUserId: number,
  ): Promise<{ legacy: LegacyUserRecord; user: FuUser | null } | null>;
  /** Users ordered by e-mail (the `users list` command; the HTTP API has no list route). */
  list(limit: number, offset: number, transaction?: Transaction): Promise<FuUser[]>;
  /** Some account, on either engine, holds an address with this canonical form. */
  emailTaken(email: string, transaction?: Transaction): Promise<boolean>;

  /** Every legacy row holding this address canonically, oldest first (lazy migration's twins). */
  legacyHolders(email: string, transaction?: Transaction): Promise<LegacyHolder[]>;
  /**
   * Gives a legacy-only account its new-engine row (same person, new UUID, `legacy_user_id` set).
   * Returns the row another request imported concurrently, or null when a different user holds
   * the address canonically (then the account stays legacy-only).
   */
  importLegacy(
    candidate: LegacyCandidate,
    hashedPassword: string,
    transaction?: Transaction,
  ): Promise<FuUser | null>;

  /** Creates the user and its legacy twin (the twin gives the integer id the legacy contract shows). */
  create(user: NewFuUser, transaction?: Transaction): Promise<FuUser>;
  update(user: FuUser, changes: FuUserChanges, transaction?: Transaction): Promise<FuUser>;
  /** Deletes the user and its legacy twin (their tokens and sessions go by cascade). */
  delete(user: FuUser, transaction?: Transaction): Promise<void>;
  /** A password changed on the legacy engine: the twin takes the legacy hash as it is. */
  followLegacyPassword(
    legacyUserId: number,
    legacyHash: string,
    transaction?: Transaction,
  ): Promise<void>;
  /** Records a successful login on the legacy twin (`last_login_at`, which the legacy contract shows). */
  touchLogin(user: FuUser, transaction?: Transaction): Promise<void>;
}

export class EmailConflictError extends Error {
  constructor(cause?: unknown) {
    super('another user holds this e-mail', { cause });
    this.name = 'EmailConflictError';
  }
}
