import { toLegacyUserRecord } from '../../users/legacy-user-repository.js';
import type { LegacyUserRecord } from '../../users/legacy-user.js';
import type { LegacyCandidate, LegacyHolder } from './user-store.js';

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

/** A `users` row selected with a `linked` column (has a new-engine user). */
export function legacyHolder(
  row: Parameters<typeof toLegacyUserRecord>[0] & { linked: boolean },
): LegacyHolder {
  const record = toLegacyUserRecord(row);
  return { ...legacyCandidate(record), createdAt: record.createdAt, linked: row.linked };
}
