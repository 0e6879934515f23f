import { z } from 'zod';
import { normalizeEmail, registrableEmail, type EmailResult } from './email-address.js';

/**
 * zod mirrors of fastapi-users' pydantic schemas. Requests are validated with them and the OpenAPI
 * document is generated from them, so the two cannot drift apart.
 * @see https://github.com/fastapi-users/fastapi-users/blob/master/fastapi_users/schemas.py
 */

const emailField = (check: (input: string) => EmailResult) =>
  z
    .string()
    .superRefine((value, ctx) => {
      const result = check(value);
      if (!result.ok)
        ctx.addIssue({
          code: 'custom',
          message: `value is not a valid email address: ${result.reason}`,
          params: { type: 'value_error', ctx: { reason: result.reason } },
        });
    })
    .overwrite((value) => {
      const result = check(value);
      return result.ok ? result.email : value;
    })
    .meta({ format: 'email', title: 'Email' });

/** pydantic EmailStr: validated and normalised (see email-address.ts); errors are value_error. */
export const emailStr = emailField(normalizeEmail);

/** EmailStr for an address an account is given (UserCreate, UserUpdate): see `registrableEmail`. */
export const newEmailStr = emailField(registrableEmail);

const TRUTHY = new Set(['1', 'on', 't', 'true', 'y', 'yes']);
const FALSY = new Set(['0', 'off', 'f', 'false', 'n', 'no']);

/** pydantic's lax bool: `"yes"`, `"off"`, `1`, `0`… coerce; anything else is bool_parsing. */
export const pyBool = z.preprocess((value) => {
  if (typeof value === 'string') {
    const word = value.trim().toLowerCase();
    if (TRUTHY.has(word)) return true;
    if (FALSY.has(word)) return false;
  }
  if (value === 1) return true;
  if (value === 0) return false;
  return value;
}, z.boolean());

export const userRead = z
  .object({
    id: z.uuid().meta({ title: 'Id' }),
    email: z.string().meta({ format: 'email', title: 'Email' }),
    is_active: z.boolean().default(true).meta({ title: 'Is Active' }),
    is_superuser: z.boolean().default(false).meta({ title: 'Is Superuser' }),
    is_verified: z.boolean().default(false).meta({ title: 'Is Verified' }),
  })
  .meta({ id: 'UserRead', title: 'UserRead' });

/** UserCreate: the flags are accepted (and type-checked) but a safe create ignores them. */
export const userCreate = z
  .object({
    email: newEmailStr,
    password: z.string().meta({ title: 'Password' }),
    is_active: pyBool.nullish().meta({ title: 'Is Active' }),
    is_superuser: pyBool.nullish().meta({ title: 'Is Superuser' }),
    is_verified: pyBool.nullish().meta({ title: 'Is Verified' }),
  })
  .meta({ id: 'UserCreate', title: 'UserCreate' });

/** UserUpdate: everything optional; explicit null means "not provided" (contract deviation). */
export const userUpdate = z
  .object({
    password: z.string().nullish().meta({ title: 'Password' }),
    email: newEmailStr.nullish(),
    is_active: pyBool.nullish().meta({ title: 'Is Active' }),
    is_superuser: pyBool.nullish().meta({ title: 'Is Superuser' }),
    is_verified: pyBool.nullish().meta({ title: 'Is Verified' }),
  })
  .meta({ id: 'UserUpdate', title: 'UserUpdate' });

/** OAuth2PasswordRequestForm; empty fields were already turned into "missing" by the form reader. */
export const loginForm = z
  .object({
    grant_type: z
      .string()
      .regex(/^password$/)
      .nullish()
      .meta({ title: 'Grant Type' }),
    username: z.string().meta({ title: 'Username' }),
    password: z.string().meta({ title: 'Password', format: 'password' }),
    scope: z.string().default('').meta({ title: 'Scope' }),
    client_id: z.string().nullish().meta({ title: 'Client Id' }),
    client_secret: z.string().nullish().meta({ title: 'Client Secret', format: 'password' }),
  })
  .meta({ id: 'Body_auth_jwt_login', title: 'Body_auth_jwt_login' });

export const emailBody = z
  .object({ email: emailStr })
  .meta({ id: 'Body_forgot_password', title: 'Body_forgot_password' });

export const resetPasswordBody = z
  .object({
    token: z.string().meta({ title: 'Token' }),
    password: z.string().meta({ title: 'Password' }),
  })
  .meta({ id: 'Body_reset_password', title: 'Body_reset_password' });

export const verifyBody = z
  .object({ token: z.string().meta({ title: 'Token' }) })
  .meta({ id: 'Body_verify', title: 'Body_verify' });

export const bearerResponse = z
  .object({ access_token: z.string(), token_type: z.string() })
  .meta({ id: 'BearerResponse', title: 'BearerResponse' });

export const errorModel = z
  .object({
    detail: z.union([z.string(), z.record(z.string(), z.string())]).meta({ title: 'Detail' }),
  })
  .meta({ id: 'ErrorModel', title: 'ErrorModel' });

export const validationError = z
  .object({
    loc: z.array(z.union([z.string(), z.number().int()])),
    msg: z.string(),
    type: z.string(),
  })
  .meta({ id: 'ValidationError', title: 'ValidationError' });

export const httpValidationError = z
  .object({ detail: z.array(validationError) })
  .meta({ id: 'HTTPValidationError', title: 'HTTPValidationError' });

export type UserCreateInput = z.output<typeof userCreate>;
export type UserUpdateInput = z.output<typeof userUpdate>;
