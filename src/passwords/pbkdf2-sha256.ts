import { pbkdf2, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { constantTimeEqual } from '../lib/random.js';
import { parsePbkdf2Sha256 } from './hash-formats.js';

const pbkdf2Async = promisify(pbkdf2);

/**
 * passlib's "adapted base64": standard base64 with '.' instead of '+' and no padding.
 * @see https://passlib.readthedocs.io/en/stable/lib/passlib.utils.binary.html#passlib.utils.binary.ab64_encode
 */
export function ab64Encode(data: Buffer): string {
  return data.toString('base64').replace(/=+$/, '').replace(/\+/g, '.');
}

export function ab64Decode(text: string): Buffer {
  return Buffer.from(text.replace(/\./g, '+'), 'base64');
}

/** Verifies passlib's `$pbkdf2-sha256$rounds$salt$checksum`; runs on the libuv pool, never the event loop. */
export async function verifyPbkdf2Sha256(password: string, stored: string): Promise<boolean> {
  const parsed = parsePbkdf2Sha256(stored);
  if (!parsed) return false;
  const derived = await pbkdf2Async(password, ab64Decode(parsed.salt), parsed.rounds, 32, 'sha256');
  return constantTimeEqual(ab64Encode(derived), parsed.checksum);
}

/** Produces a passlib-compatible hash (used by the demo seeder and tests to make legacy rows). */
export async function hashPbkdf2Sha256(password: string, rounds = 29000): Promise<string> {
  const salt = randomBytes(16);
  const derived = await pbkdf2Async(password, salt, rounds, 32, 'sha256');
  return `$pbkdf2-sha256$${rounds}$${ab64Encode(salt)}$${ab64Encode(derived)}`;
}
