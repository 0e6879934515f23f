/**
 * Recognises the stored-hash formats both engines must accept. The patterns are pwdlib's
 * (fastapi-users ≥ 13) plus passlib's pbkdf2_sha256, which the oldest legacy rows use.
 */
export type HashFormat = 'argon2' | 'bcrypt' | 'pbkdf2_sha256' | 'none' | 'unknown';

const ARGON2 =
  /^\$(argon2(id|i|d))\$(?:v=(\d+)\$)?m=(\d+),t=(\d+),p=(\d+)(?:\$([^$]+)(?:\$(.+?))?)?$/;
const BCRYPT = /^\$(2[abxy])\$(\d{2})\$[A-Za-z0-9+/.]{22}[A-Za-z0-9+/.]{31}$/;
const PBKDF2_SHA256 = /^\$pbkdf2-sha256\$(\d+)\$([A-Za-z0-9./]*)\$([A-Za-z0-9./]{43})$/;

export function identifyHash(stored: string | null | undefined): HashFormat {
  if (stored === null || stored === undefined || stored === '') return 'none';
  if (ARGON2.test(stored)) return 'argon2';
  if (BCRYPT.test(stored)) return 'bcrypt';
  if (PBKDF2_SHA256.test(stored)) return 'pbkdf2_sha256';
  return 'unknown';
}

export interface Argon2Params {
  type: string;
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

export function parseArgon2(stored: string): Argon2Params | null {
  const match = ARGON2.exec(stored);
  if (!match) return null;
  return {
    type: match[1] ?? '',
    memoryCost: Number(match[4]),
    timeCost: Number(match[5]),
    parallelism: Number(match[6]),
  };
}

export function parsePbkdf2Sha256(
  stored: string,
): { rounds: number; salt: string; checksum: string } | null {
  const match = PBKDF2_SHA256.exec(stored);
  if (!match) return null;
  return { rounds: Number(match[1]), salt: match[2] ?? '', checksum: match[3] ?? '' };
}
