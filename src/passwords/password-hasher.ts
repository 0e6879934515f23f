import { availableParallelism } from 'node:os';
import { createHashPool, type HashPool } from './hash-pool.js';
import { identifyHash, parseArgon2, type HashFormat } from './hash-formats.js';
import { passwordTooLong } from './password-bytes.js';
import { verifyPbkdf2Sha256 } from './pbkdf2-sha256.js';

/**
 * One hasher for both engines. New-engine hashes are argon2id with fastapi-users' parameters;
 * legacy-engine hashes stay bcrypt so the legacy engine can always verify them (invariant 3).
 * Every operation runs on the hashing threads (hash-pool.ts), so hashing never blocks requests.
 */
export interface PasswordHasher {
  /** The new engine's current format (argon2id). */
  hash(password: string): Promise<string>;
  /** The legacy format (bcrypt `$2b$`), used for write-back into `users`. */
  hashLegacy(password: string): Promise<string>;
  /** False for a wrong password, a NULL hash or an unrecognised format: never throws for bad data. */
  verify(password: string, stored: string | null | undefined): Promise<boolean>;
  /** True when a verified hash is not argon2id with the current parameters (fastapi-users rehashes it). */
  needsRehash(stored: string): boolean;
  /** Burns the same time as a real verification, so an unknown e-mail is not a timing oracle. */
  dummyVerify(password: string): Promise<void>;
  format(stored: string | null | undefined): HashFormat;
}

export interface HasherParams {
  argon2: { memoryCost: number; timeCost: number; parallelism: number };
  bcryptRounds: number;
}

/**
 * What the composition root uses unless configured otherwise: nice 10, and one thread per core
 * plus one. Exactly one per core left 3–4% of the argon2 limit unused on the 2-core machine
 * (0.86 vs 0.90 of it, see docs/benchmarks-history.md); the extra thread fills those gaps, and at
 * nice 10 it does not cost the event loop (/healthz p99 4–6 ms with 2, 3 or 4 threads). On a later
 * machine 1, 2 and 3 threads measured alike within its noise (docs/benchmarks-history.md, "a stricter login anchor"),
 * and again when compared in one run (docs/benchmarks.md, "Logins: load generator, thread counts").
 * One thread (argon2 spreads a hash's lanes over the cores itself) was not kept either: it leaves a
 * core idle for bcrypt and PBKDF2, single-threaded, which every legacy account's first login runs.
 */
export const DEFAULT_HASH_POOL = { threads: availableParallelism() + 1, nice: 10 };

export function createPasswordHasher(
  params: HasherParams,
  pool: HashPool = createHashPool(DEFAULT_HASH_POOL),
): PasswordHasher {
  const cost = params.argon2;
  const hashArgon2 = (password: string) => pool.run({ op: 'argon2-hash', password, cost });
  let dummyHash: Promise<string> | null = null;

  async function verify(password: string, stored: string | null | undefined): Promise<boolean> {
    try {
      switch (identifyHash(stored)) {
        case 'argon2':
          return await pool.run({ op: 'argon2-verify', password, hash: stored as string });
        case 'bcrypt': {
          // node's bcrypt knows $2a$/$2b$ only; $2y$ (PHP) and $2x$ share the algorithm for these inputs.
          const matches = await pool.run({
            op: 'bcrypt-verify',
            password,
            hash: (stored as string).replace(/^\$2[xy]\$/, '$2b$'),
          });
          // bcrypt ignores bytes after the 72nd: a longer password only matched its first 72
          // bytes, so it never matches (checked after the hash, which keeps the timing).
          return matches && !passwordTooLong(password);
        }
        case 'pbkdf2_sha256':
          return await verifyPbkdf2Sha256(password, stored as string, (pw, salt, rounds) =>
            pool.run({ op: 'pbkdf2-sha256', password: pw, salt, rounds }),
          );
        default:
          return false;
      }
    } catch {
      // A corrupt hash that matched the pattern is treated as "not verified", never as a 500.
      return false;
    }
  }

  return {
    hash: hashArgon2,
    hashLegacy: (password) =>
      pool.run({ op: 'bcrypt-hash', password, rounds: params.bcryptRounds }),
    verify,
    needsRehash(stored) {
      const parsed = parseArgon2(stored);
      return (
        parsed === null ||
        parsed.type !== 'argon2id' ||
        parsed.memoryCost !== cost.memoryCost ||
        parsed.timeCost !== cost.timeCost ||
        parsed.parallelism !== cost.parallelism
      );
    },
    async dummyVerify(password) {
      dummyHash ??= hashArgon2('authshift-dummy-password');
      await pool.run({ op: 'argon2-verify', password, hash: await dummyHash }).catch(() => false);
    },
    format: identifyHash,
  };
}
