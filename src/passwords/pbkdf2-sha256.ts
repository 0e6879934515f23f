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

/** Derives the 32-byte PBKDF2-HMAC-SHA256 key; off the event loop (the libuv pool by default). */
export type Pbkdf2Sha256 = (password: string, salt: Buffer, rounds: number) => Promise<Uint8Array>;

const onLibuvPool: Pbkdf2Sha256 = (password, salt, rounds) =>
  pbkdf2Async(password, salt, rounds, 32, 'sha256');

/** Verifies passlib's `$pbkdf2-sha256$rounds$salt$checksum`, never on the event loop. */
export async function verifyPbkdf2Sha256(
  password: string,
  stored: string,
  derive: Pbkdf2Sha256 = onLibuvPool,
): Promise<boolean> {
  const parsed = parsePbkdf2Sha256(stored);
  if (!parsed) return false;
  const derived = await derive(password, ab64Decode(parsed.salt), parsed.rounds);
  return constantTimeEqual(ab64Encode(Buffer.from(derived)), parsed.checksum);
}

/** Produces a passlib-compatible hash (used by the demo seeder and tests to make legacy rows). */
export async function hashPbkdf2Sha256(password: string, rounds = 29000): Promise<string> {
  const salt = randomBytes(16);
  const derived = await pbkdf2Async(password, salt, rounds, 32, 'sha256');
  return `$pbkdf2-sha256$${rounds}$${ab64Encode(salt)}$${ab64Encode(derived)}`;
}
