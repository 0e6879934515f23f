import { z } from 'zod';
import { normalizeEmail, registrableEmail, type EmailResult } from './email-address.js';

/**
 * zod mirrors of fastapi-users' pydantic schemas. Requests are validated with them and the OpenAPI
 * document is generated from them, so the two cannot drift apart. Their `.meta()` is what pydantic
 * puts in the JSON Schema (titles, formats, defaults); component names come from the route table.
 * @see https://github.com/fastapi-users/fastapi-users/blob/master/fastapi_users/schemas.py
 */

const emailOf = (check: (input: string) => EmailResult) =>
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
    .meta({ format: 'email' });

/** pydantic EmailStr: validated and normalised (see email-address.ts); errors are value_error. */
export const emailStr = emailOf(normalizeEmail);

/** EmailStr for an address an account is given (UserCreate, UserUpdate): see `registrableEmail`. */
export const newEmailStr = emailOf(registrableEmail);

/** The field `email: EmailStr` (the title is the field's, outside `anyOf` when nullable). */
const emailField = emailStr.meta({ title: 'Email' });

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
  .meta({ title: 'UserRead' });

/**
 * UserCreate: the flags are accepted (and type-checked) but a safe create ignores them, so their
 * pydantic defaults are documentation only (`default` in the meta, not a zod default).
 */
export const userCreate = z
  .object({
    email: newEmailStr.meta({ title: 'Email' }),
    password: z.string().meta({ title: 'Password' }),
    is_active: pyBool.nullish().meta({ title: 'Is Active', default: true }),
    is_superuser: pyBool.nullish().meta({ title: 'Is Superuser', default: false }),
    is_verified: pyBool.nullish().meta({ title: 'Is Verified', default: false }),
  })
  .meta({ title: 'UserCreate' });

/** UserUpdate: everything optional; explicit null means "not provided" (contract deviation). */
export const userUpdate = z
  .object({
    password: z.string().nullish().meta({ title: 'Password' }),
    email: newEmailStr.nullish().meta({ title: 'Email' }),
    is_active: pyBool.nullish().meta({ title: 'Is Active' }),
    is_superuser: pyBool.nullish().meta({ title: 'Is Superuser' }),
    is_verified: pyBool.nullish().meta({ title: 'Is Verified' }),
  })
  .meta({ title: 'UserUpdate' });

/**
 * OAuth2PasswordRequestForm; empty fields were already turned into "missing" by the form reader.
 * Like every embedded body below, its OpenAPI name is per route (`Body_<operationId>`).
 */
export const loginForm = z.object({
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
});

export const emailBody = z.object({ email: emailField });

export const resetPasswordBody = z.object({
  token: z.string().meta({ title: 'Token' }),
  password: z.string().meta({ title: 'Password' }),
});

export const verifyBody = z.object({ token: z.string().meta({ title: 'Token' }) });

export const bearerResponse = z
  .object({
    access_token: z.string().meta({ title: 'Access Token' }),
    token_type: z.string().meta({ title: 'Token Type' }),
  })
  .meta({ title: 'BearerResponse' });

/** fastapi-users' `OAuth2AuthorizeResponse`. */
export const oauth2AuthorizeResponse = z
  .object({ authorization_url: z.string().meta({ title: 'Authorization Url' }) })
  .meta({ title: 'OAuth2AuthorizeResponse' });

export const errorModel = z
  .object({
    detail: z.union([z.string(), z.record(z.string(), z.string())]).meta({ title: 'Detail' }),
  })
  .meta({ title: 'ErrorModel' });

export type UserCreateInput = z.output<typeof userCreate>;
export type UserUpdateInput = z.output<typeof userUpdate>;
