import bcrypt from 'bcrypt';
import {
  hash as argon2Hash,
  verify as argon2Verify,
  type Options as Argon2Options,
} from '@node-rs/argon2';
import { identifyHash, parseArgon2, type HashFormat } from './hash-formats.js';
import { verifyPbkdf2Sha256 } from './pbkdf2-sha256.js';

/**
 * One hasher for both engines. New-engine hashes are argon2id with fastapi-users' parameters;
 * legacy-engine hashes stay bcrypt so the legacy engine can always verify them (invariant 3).
 * Every operation is asynchronous and runs on the libuv pool, so hashing never blocks requests.
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

/** argon2id, version 19: `Algorithm.Argon2id` is a const enum, which isolated modules cannot inline. */
const ARGON2ID = 2;

export function createPasswordHasher(params: HasherParams): PasswordHasher {
  const argon2Options: Argon2Options = {
    algorithm: ARGON2ID,
    memoryCost: params.argon2.memoryCost,
    timeCost: params.argon2.timeCost,
    parallelism: params.argon2.parallelism,
    outputLen: 32,
  };
  let dummyHash: Promise<string> | null = null;

  async function verify(password: string, stored: string | null | undefined): Promise<boolean> {
    try {
      switch (identifyHash(stored)) {
        case 'argon2':
          return await argon2Verify(stored as string, password);
        case 'bcrypt':
          // node's bcrypt knows $2a$/$2b$ only; $2y$ (PHP) and $2x$ share the algorithm for these inputs.
          return await bcrypt.compare(password, (stored as string).replace(/^\$2[xy]\$/, '$2b$'));
        case 'pbkdf2_sha256':
          return await verifyPbkdf2Sha256(password, stored as string);
        default:
          return false;
      }
    } catch {
      // A corrupt hash that matched the pattern is treated as "not verified", never as a 500.
      return false;
    }
  }

  return {
    hash: (password) => argon2Hash(password, argon2Options),
    hashLegacy: (password) => bcrypt.hash(password, params.bcryptRounds),
    verify,
    needsRehash(stored) {
      const parsed = parseArgon2(stored);
      return (
        parsed === null ||
        parsed.type !== 'argon2id' ||
        parsed.memoryCost !== params.argon2.memoryCost ||
        parsed.timeCost !== params.argon2.timeCost ||
        parsed.parallelism !== params.argon2.parallelism
      );
    },
    async dummyVerify(password) {
      dummyHash ??= argon2Hash('authshift-dummy-password', argon2Options);
      await argon2Verify(await dummyHash, password).catch(() => false);
    },
    format: identifyHash,
  };
}
