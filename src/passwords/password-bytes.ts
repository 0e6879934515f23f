/**
 * bcrypt reads only the first 72 bytes of a password; argon2 reads all of it. The legacy engine
 * (and the bcrypt twin the new engine writes back) would otherwise accept any password sharing
 * those 72 bytes, while the new engine would not: one account, two password rules. So a password
 * set anywhere is at most 72 bytes of UTF-8, with this one message on both engines, and a longer
 * password never matches a bcrypt hash. Existing argon2 hashes of longer passwords still verify.
 */
export const MAX_PASSWORD_BYTES = 72;

export const PASSWORD_TOO_LONG = `Password should be at most ${MAX_PASSWORD_BYTES} bytes`;

export function passwordTooLong(password: string): boolean {
  return Buffer.byteLength(password, 'utf8') > MAX_PASSWORD_BYTES;
}
