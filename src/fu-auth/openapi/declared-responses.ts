import type { ModelName } from './component-schemas.js';

/**
 * The `responses=` fastapi-users (v15) passes to its routes, as it writes them (texts and
 * examples verbatim, including the missing space in "Password should beat least 3 characters"),
 * plus our 429. FastAPI merges them into each operation (openapi-rendering.ts).
 * @see https://github.com/fastapi-users/fastapi-users/tree/master/fastapi_users/router
 */
export type DeclaredResponse = {
  description?: string;
  /** `"model": X`: FastAPI puts X's `$ref` under `content["application/json"].schema`. */
  model?: ModelName;
  content?: Record<string, Record<string, unknown>>;
  headers?: Record<string, unknown>;
};

const example = (summary: string, detail: unknown) => ({ summary, value: { detail } });

const badRequest = (examples: Record<string, unknown>): DeclaredResponse => ({
  model: 'ErrorModel',
  content: { 'application/json': { examples } },
});

const invalidPassword = (code: string, reason: string) =>
  example('Password validation failed.', { code, reason });

export const LOGIN_BAD_REQUEST = badRequest({
  LOGIN_BAD_CREDENTIALS: example(
    'Bad credentials or the user is inactive.',
    'LOGIN_BAD_CREDENTIALS',
  ),
  LOGIN_USER_NOT_VERIFIED: example('The user is not verified.', 'LOGIN_USER_NOT_VERIFIED'),
});

export const REGISTER_BAD_REQUEST = badRequest({
  REGISTER_USER_ALREADY_EXISTS: example(
    'A user with this email already exists.',
    'REGISTER_USER_ALREADY_EXISTS',
  ),
  REGISTER_INVALID_PASSWORD: invalidPassword(
    'REGISTER_INVALID_PASSWORD',
    'Password should beat least 3 characters',
  ),
});

export const RESET_BAD_REQUEST = badRequest({
  RESET_PASSWORD_BAD_TOKEN: example('Bad or expired token.', 'RESET_PASSWORD_BAD_TOKEN'),
  RESET_PASSWORD_INVALID_PASSWORD: invalidPassword(
    'RESET_PASSWORD_INVALID_PASSWORD',
    'Password should be at least 3 characters',
  ),
});

export const VERIFY_BAD_REQUEST = badRequest({
  VERIFY_USER_BAD_TOKEN: example(
    'Bad token, not existing user or not the e-mail currently set for the user.',
    'VERIFY_USER_BAD_TOKEN',
  ),
  VERIFY_USER_ALREADY_VERIFIED: example(
    'The user is already verified.',
    'VERIFY_USER_ALREADY_VERIFIED',
  ),
});

export const UPDATE_BAD_REQUEST = badRequest({
  UPDATE_USER_EMAIL_ALREADY_EXISTS: example(
    'A user with this email already exists.',
    'UPDATE_USER_EMAIL_ALREADY_EXISTS',
  ),
  UPDATE_USER_INVALID_PASSWORD: invalidPassword(
    'UPDATE_USER_INVALID_PASSWORD',
    'Password should beat least 3 characters',
  ),
});

/** BearerTransport.get_openapi_login_responses_success() */
export const BEARER_LOGIN_SUCCESS: DeclaredResponse = {
  model: 'BearerResponse',
  content: {
    'application/json': {
      example: {
        access_token:
          'eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJ1c2VyX2lkIjoiOTIyMWZmYzktNjQwZi00MzcyLTg2ZDMtY2U2NDJjYmE1NjAzIiwiYXVkIjoiZmFzdGFwaS11c2VyczphdXRoIiwiZXhwIjoxNTcxNTA0MTkzfQ.M10bjOe45I5Ncu_uXvOmVV8QxnL-nZfcH96U90JaocI',
        token_type: 'bearer',
      },
    },
  },
};

/** CookieTransport's login/logout success: `{204: {"model": None}}`. */
export const COOKIE_NO_CONTENT: DeclaredResponse = {};

export const UNAUTHORIZED: DeclaredResponse = { description: 'Missing token or inactive user.' };
export const NOT_A_SUPERUSER: DeclaredResponse = { description: 'Not a superuser.' };
export const USER_NOT_FOUND: DeclaredResponse = { description: 'The user does not exist.' };

/** Ours (src/rate-limit/throttles.ts); upstream has no rate limit. */
export const TOO_MANY_REQUESTS: DeclaredResponse = {
  description: 'Too Many Requests',
  model: 'ErrorModel',
  headers: {
    'Retry-After': {
      description: 'Seconds until another attempt can be accepted.',
      schema: { type: 'integer' },
    },
  },
  content: { 'application/json': { example: { detail: 'TOO_MANY_REQUESTS' } } },
};
