import type { PasswordHasher } from '../passwords/password-hasher.js';
import type { FuUser, LegacyCandidate, UserStore } from './store/user-store.js';

/**
 * Lazy migration (DESIGN.md invariant 2). A legacy-only account is treated as a new-engine user
 * whose hash is the legacy one; where fastapi-users would write (the rehash after a successful
 * verification) the account is imported instead: same person, new UUID, argon2id hash, one request.
 *
 * The new engine looks e-mails up case-insensitively, but the legacy table is unique only
 * case-sensitively, so one address may match several legacy rows. The rule:
 * an exact-case match wins; otherwise a single match is used; otherwise (several rows, none exact)
 * nobody matches, which the caller answers like an unknown e-mail — never a 500, never a guess.
 * Such accounts stay reachable through the legacy facade (exact-case) until `users dedupe`.
 */
export function pickLegacyCandidate(
  candidates: readonly LegacyCandidate[],
  email: string,
): LegacyCandidate | null {
  const exact = candidates.find((candidate) => candidate.email === email);
  if (exact) return exact;
  return candidates.length === 1 ? candidates[0]! : null;
}

/** Someone to check a password against: a new-engine user, or a legacy-only account. */
export type LoginSubject =
  { kind: 'user'; user: FuUser } | { kind: 'legacy'; candidate: LegacyCandidate };

export type PasswordCheck =
  | { verified: false }
  /** `user` is null when a legacy-only account could not be imported (e-mail held by another). */
  | { verified: true; user: FuUser | null };

/**
 * `verify_and_update` then the write fastapi-users' `authenticate` makes: a verified hash that is
 * not current argon2id is replaced (bcrypt, pbkdf2_sha256, other argon2 parameters), and a
 * legacy-only account is imported with the new hash. A NULL or unknown hash never verifies.
 */
export async function checkPassword(
  deps: { store: UserStore; hasher: PasswordHasher },
  subject: LoginSubject,
  password: string,
): Promise<PasswordCheck> {
  const stored =
    subject.kind === 'user' ? subject.user.hashedPassword : subject.candidate.hashedPassword;
  if (!(await deps.hasher.verify(password, stored))) return { verified: false };
  if (subject.kind === 'legacy') {
    const hashedPassword = await deps.hasher.hash(password);
    return {
      verified: true,
      user: await deps.store.importLegacy(subject.candidate, hashedPassword),
    };
  }
  if (!deps.hasher.needsRehash(subject.user.hashedPassword))
    return { verified: true, user: subject.user };
  const hashedPassword = await deps.hasher.hash(password);
  return { verified: true, user: await deps.store.update(subject.user, { hashedPassword }) };
}

/** The account an e-mail names for the new engine: its user, else a legacy-only candidate. */
export async function findSubject(store: UserStore, email: string): Promise<LoginSubject | null> {
  const user = await store.getByEmail(email);
  if (user) return { kind: 'user', user };
  const candidate = pickLegacyCandidate(await store.findLegacyOnly(email), email);
  return candidate ? { kind: 'legacy', candidate } : null;
}
