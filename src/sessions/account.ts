import type { FuUser } from '../fu-auth/store/user-store.js';
import type { LegacyPublicUser, LegacyUserRecord } from '../users/legacy-user.js';

/**
 * A person as the legacy contract knows them, whichever engine logged them in: their legacy row
 * (the integer id and full name clients see) plus, normally, their new-engine user, which is
 * authoritative for the e-mail, the password and the flags. An account without a user is a
 * legacy-only one (not imported yet, or an e-mail held case-insensitively by another account).
 */
export interface Account {
  legacy: LegacyUserRecord;
  user: FuUser | null;
}

export const accountIsActive = (account: Account): boolean =>
  account.user ? account.user.isActive : account.legacy.isActive;

/**
 * The legacy user object — the one rendering both engines and `/api/*` use. The new engine's user
 * decides the e-mail and whether the role is 'admin' (superuser); any other legacy role is kept,
 * as the write-back keeps it.
 */
export function accountPublicUser(account: Account): LegacyPublicUser {
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
