import type { PasswordHasher } from '../passwords/password-hasher.js';
import { addressKeeper } from '../users/address-keeper.js';
import type { FuUser, LegacyCandidate, LegacyHolder, UserStore } from './store/user-store.js';

/**
 * Lazy migration (docs/design/design.md invariant 2). A legacy-only account is treated as a new-engine user
 * whose hash is the legacy one; where fastapi-users would write (the rehash after a successful
 * verification) the account is imported instead: same person, new UUID, argon2id hash, one request.
 */

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
  const rehashed = await deps.store.update(subject.user, {
    hashedPassword,
    ifHashedPassword: subject.user.hashedPassword,
  });
  if (rehashed !== subject.user) return { verified: true, user: rehashed };
  // The hash changed since it was verified (a password change, or another login's rehash):
  // the password counts only if it verifies against the hash stored now.
  const current = await deps.store.getById(subject.user.id);
  return current && (await deps.hasher.verify(password, current.hashedPassword))
    ? { verified: true, user: current }
    : { verified: false };
}

/**
 * The account an address names for the new engine (login, forgot-password, request-verify-token,
 * the facade, the CLI): its user, else a legacy-only account to import, else nobody.
 *
 * Addresses are compared canonically (src/lib/identity/canonical-email.ts), but old legacy data
 * may hold several rows with one canonical address ("twins"), and only one of them can ever be
 * the new-engine user. SECURITY: an address never binds the wrong twin (case-variant takeover):
 * with twins, it names only the twin whose stored e-mail is exactly the one typed, and only if
 * that twin is the one already linked, or none is linked yet and it is the twin the address
 * belongs to (users/address-keeper.ts: confirmed, else oldest), so an attacker's later twin can
 * never take the address first. Anything else names nobody, which callers answer exactly like
 * an unknown e-mail (`users dedupe` resolves such groups; preflight lists them).
 */
export function bindAddress(
  typed: string,
  user: FuUser | null,
  holders: readonly LegacyHolder[],
): LoginSubject | null {
  const twin = (holder: LegacyHolder) => holder.legacyUserId !== user?.legacyUserId;
  if (user) {
    if (!holders.some(twin)) return { kind: 'user', user };
    const own = holders.find((holder) => !twin(holder));
    return user.email === typed || own?.email === typed ? { kind: 'user', user } : null;
  }
  if (holders.length === 1)
    return holders[0]!.linked ? null : { kind: 'legacy', candidate: holders[0]! };
  if (holders.some((holder) => holder.linked)) return null;
  const exact = holders.find((holder) => holder.email === typed);
  const keeper = addressKeeper(
    holders.map((holder) => ({
      id: holder.legacyUserId,
      confirmed: holder.isVerified,
      createdAt: holder.createdAt,
      holder,
    })),
  );
  return exact && keeper?.holder === exact ? { kind: 'legacy', candidate: exact } : null;
}

export async function findSubject(store: UserStore, email: string): Promise<LoginSubject | null> {
  const [user, holders] = await Promise.all([store.getByEmail(email), store.legacyHolders(email)]);
  return bindAddress(email, user, holders);
}
