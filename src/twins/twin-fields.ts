/**
 * Twins are a legacy `users` row (alias `u`) and the `fu_users` row linked to it (`f`,
 * `f.legacy_user_id = u.id`) in phase 1. These are the fields on which they can disagree, each
 * as SQL saying "differs", read the same way by preflight, `users reconcile` and a snapshot
 * restore. Written for the phase-1 shape of `users` (SMALLINT `is_active`, `role`,
 * `email_confirmed_at`); '1'/'true' covers a BOOLEAN column too.
 */
export const TWIN_FIELDS = ['email', 'active', 'superuser', 'verified', 'password'] as const;
export type TwinField = (typeof TWIN_FIELDS)[number];

export const LEGACY_ACTIVE = `(u.is_active::text IN ('1', 'true'))`;
export const LEGACY_SUPERUSER = `(u.role = 'admin')`;
export const LEGACY_VERIFIED = `(u.email_confirmed_at IS NOT NULL)`;

// A hash the legacy engine wrote (passlib bcrypt or pbkdf2_sha256). The new engine only ever
// holds such a hash as a copy of its twin's (lazy import, a legacy password change followed), so
// a differing copy is drift; its own argon2 hashes cannot be compared without the password.
const LEGACY_FORMAT = `'^\\$(2[abxy]|pbkdf2-sha256)\\$'`;

export const TWIN_DIFFERS: Record<TwinField, string> = {
  email: `(u.email IS DISTINCT FROM f.email)`,
  active: `(${LEGACY_ACTIVE} IS DISTINCT FROM f.is_active)`,
  superuser: `(${LEGACY_SUPERUSER} IS DISTINCT FROM f.is_superuser)`,
  verified: `(${LEGACY_VERIFIED} IS DISTINCT FROM f.is_verified)`,
  password: `((NULLIF(f.hashed_password, '') IS NULL AND NULLIF(u.hashed_password, '') IS NOT NULL)
    OR (f.hashed_password ~ ${LEGACY_FORMAT} AND u.hashed_password IS DISTINCT FROM f.hashed_password))`,
};

/** True for a pair that disagrees on any field. */
export const ANY_TWIN_DIFFERS = `(${Object.values(TWIN_DIFFERS).join(' OR ')})`;
