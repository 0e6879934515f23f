import type { Transaction } from 'sequelize';

/**
 * The new engine's only door to user data. Every SQL statement about users that the new engine
 * runs lives behind this interface, so the table layout can change under it:
 * - phase 1 (`fu_users`, this repository): `createFuUsersStore`, which also mirrors every write
 *   into the legacy `users` twin in the same transaction (invariant 3, "write-back");
 * - phase 2 (consolidated `users`, issue 5): a second implementation over `users` (which then has
 *   `uuid`, `is_verified`, `is_superuser` and a boolean `is_active`), chosen at run time by the
 *   `user_store` setting. It has nothing to mirror and no legacy-only rows to import, so there
 *   `legacyPasswordMirror` is false and `findLegacyOnly` returns [].
 *
 * Rules every implementation keeps (the shared contract suite in
 * test/integration/fu-auth/user-store.contract.ts checks them):
 * - records are plain objects; `id` is a lowercase hyphenated UUID string;
 * - `getByEmail` is case-insensitive (fastapi-users `get_by_email`), `getByEmailExact` is not
 *   (the legacy facade's lookups are exact-case, like the legacy engine's);
 * - every method takes an optional transaction and runs inside it; `transaction(work)` opens one;
 * - a write that would give two users the same e-mail (case-insensitively) throws
 *   `EmailConflictError`, whichever table's constraint caught it.
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

/** A legacy `users` row that has no new-engine twin yet: a lazy-migration candidate. */
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
}

export interface UserStore {
  readonly kind: 'fu_users' | 'users';
  /** True when password writes must also carry a bcrypt hash for the legacy twin. */
  readonly legacyPasswordMirror: boolean;
  transaction<T>(work: (transaction: Transaction) => Promise<T>): Promise<T>;

  getById(id: string, transaction?: Transaction): Promise<FuUser | null>;
  getByEmail(email: string, transaction?: Transaction): Promise<FuUser | null>;
  getByEmailExact(email: string, transaction?: Transaction): Promise<FuUser | null>;
  getByLegacyId(legacyUserId: number, transaction?: Transaction): Promise<FuUser | null>;
  /** Users ordered by e-mail (the `users list` command; the HTTP API has no list route). */
  list(limit: number, offset: number, transaction?: Transaction): Promise<FuUser[]>;
  /** Any user, or legacy-only account, holds this e-mail case-insensitively. */
  emailTaken(email: string, transaction?: Transaction): Promise<boolean>;

  /** Legacy rows without a twin whose e-mail matches case-insensitively (lazy migration). */
  findLegacyOnly(email: string, transaction?: Transaction): Promise<LegacyCandidate[]>;
  /**
   * Gives a legacy-only account its new-engine row (same person, new UUID, `legacy_user_id` set).
   * Returns the row another request imported concurrently, or null when the e-mail is held
   * case-insensitively by a different user (then the account stays legacy-only).
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
