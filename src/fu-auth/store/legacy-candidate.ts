import type { LegacyUserRecord } from '../../users/legacy-user.js';
import type { LegacyCandidate } from './user-store.js';

/** How a legacy row's fields read on the new engine: role 'admin' → superuser, confirmed → verified. */
export function legacyCandidate(legacy: LegacyUserRecord): LegacyCandidate {
  return {
    legacyUserId: legacy.id,
    email: legacy.email,
    hashedPassword: legacy.hashedPassword,
    isActive: legacy.isActive,
    isSuperuser: legacy.role === 'admin',
    isVerified: legacy.emailConfirmedAt !== null,
  };
}
