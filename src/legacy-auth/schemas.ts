import validator from 'validator';
import { z } from 'zod';
import { foldingProblem } from '../lib/identity/canonical-email.js';
import { storedText } from '../lib/validation/stored-text.js';
import {
  MAX_PASSWORD_BYTES,
  PASSWORD_TOO_LONG,
  passwordTooLong,
} from '../passwords/password-bytes.js';

/**
 * Request bodies of the legacy contract. Both engines (legacy `/auth/*` and the new engine's
 * `/fu_auth/legacy/*` facade) validate with these, so their 422 bodies are identical.
 */
// An address some layer would fold differently (canonical-email.ts `foldingProblem`) is refused
// like a malformed one: stored, it could not be told apart from another account's (one identity per canonical address).
// validator.isEmail refuses a NUL character, so an address is never stored with one either.
const email = z
  .string()
  .max(255)
  .refine((value) => validator.isEmail(value) && foldingProblem(value) === null, {
    message: 'invalid e-mail',
    params: { type: 'email_invalid' },
  });

export const MIN_LEGACY_PASSWORD_LENGTH = 8;

/** A password being set: at least 8 characters and at most 72 bytes (password-bytes.ts). */
const newPassword = z
  .string()
  .min(MIN_LEGACY_PASSWORD_LENGTH)
  .refine((value) => !passwordTooLong(value), {
    message: PASSWORD_TOO_LONG,
    params: { type: 'string_too_long', ctx: { max_bytes: MAX_PASSWORD_BYTES } },
  });

export const loginBody = z.object({
  email: z.string().min(1),
  password: z.string().min(1),
});

export const registerBody = z.object({
  email,
  password: newPassword,
  full_name: storedText(z.string().max(255)).nullish(),
});

export const changePasswordBody = z.object({
  current_password: z.string().min(1),
  new_password: newPassword,
});

export type LoginBody = z.output<typeof loginBody>;
export type RegisterBody = z.output<typeof registerBody>;
export type ChangePasswordBody = z.output<typeof changePasswordBody>;
