import type { z } from 'zod';
import {
  bearerResponse,
  emailBody,
  loginForm,
  resetPasswordBody,
  userCreate,
  userRead,
  userUpdate,
  verifyBody,
} from '../validation/schemas.js';

/**
 * Every `/fu_auth` route as data: the 404/405/307 fallback and the OpenAPI document both read it.
 * Paths are relative to the mount point and written the OpenAPI way (`{id}`). Status codes are
 * the real ones (e.g. 204 for logout; some upstream-generated documents still say 200).
 */
export type Method = 'get' | 'post' | 'patch' | 'delete';

export type ResponseSpec = { description: string; schema?: z.ZodType | 'null' | 'error' };

export interface RouteSpec {
  method: Method;
  path: string;
  operationId: string;
  summary: string;
  tags: string[];
  body?: { schema: z.ZodType; form?: boolean };
  /** Needs a credential (bearer or cookie); the document lists both security schemes. */
  secured?: boolean;
  responses: Record<number, ResponseSpec>;
  /** The documentation routes themselves are served but not described, as in FastAPI. */
  undocumented?: boolean;
}

const ok = (description: string, schema?: ResponseSpec['schema']): ResponseSpec => ({
  description,
  ...(schema ? { schema } : {}),
});
const VALIDATION = { 422: ok('Validation Error', 'error') };
const BAD = (what: string) => ({ 400: ok(what, 'error') });
const UNAUTHORIZED = { 401: ok('Missing token or inactive user.', 'error') };
const FORBIDDEN = {
  403: ok('Not a superuser, or not verified when verification is required.', 'error'),
};
const NOT_FOUND = { 404: ok('The user does not exist.', 'error') };
const THROTTLED = { 429: ok('Too many attempts; see Retry-After.', 'error') };

const login = (backend: 'jwt' | 'cookie'): RouteSpec => ({
  method: 'post',
  path: `/${backend}/login`,
  operationId: `auth_${backend}_login`,
  summary: 'Auth:' + backend + '.Login',
  tags: ['auth'],
  body: { schema: loginForm, form: true },
  responses: {
    ...(backend === 'jwt'
      ? { 200: ok('Successful Response', bearerResponse) }
      : { 204: ok('No Content; the session cookie is set.') }),
    ...BAD('LOGIN_BAD_CREDENTIALS or LOGIN_USER_NOT_VERIFIED'),
    ...VALIDATION,
    ...THROTTLED,
  },
});

const logout = (backend: 'jwt' | 'cookie'): RouteSpec => ({
  method: 'post',
  path: `/${backend}/logout`,
  operationId: `auth_${backend}_logout`,
  summary: 'Auth:' + backend + '.Logout',
  tags: ['auth'],
  secured: true,
  responses: { 204: ok('No Content'), ...UNAUTHORIZED, ...FORBIDDEN },
});

export const ROUTES: RouteSpec[] = [
  login('jwt'),
  logout('jwt'),
  login('cookie'),
  logout('cookie'),
  {
    method: 'post',
    path: '/register',
    operationId: 'register_register',
    summary: 'Register:Register',
    tags: ['auth'],
    body: { schema: userCreate },
    responses: {
      201: ok('Successful Response', userRead),
      ...BAD('REGISTER_USER_ALREADY_EXISTS or {code: REGISTER_INVALID_PASSWORD, reason}'),
      ...VALIDATION,
    },
  },
  {
    method: 'post',
    path: '/forgot-password',
    operationId: 'reset_forgot_password',
    summary: 'Reset:Forgot Password',
    tags: ['auth'],
    body: { schema: emailBody },
    responses: { 202: ok('Successful Response', 'null'), ...VALIDATION, ...THROTTLED },
  },
  {
    method: 'post',
    path: '/reset-password',
    operationId: 'reset_reset_password',
    summary: 'Reset:Reset Password',
    tags: ['auth'],
    body: { schema: resetPasswordBody },
    responses: {
      200: ok('Successful Response', 'null'),
      ...BAD('RESET_PASSWORD_BAD_TOKEN or {code: RESET_PASSWORD_INVALID_PASSWORD, reason}'),
      ...VALIDATION,
    },
  },
  {
    method: 'post',
    path: '/request-verify-token',
    operationId: 'verify_request_token',
    summary: 'Verify:Request-Token',
    tags: ['auth'],
    body: { schema: emailBody },
    responses: { 202: ok('Successful Response', 'null'), ...VALIDATION },
  },
  {
    method: 'post',
    path: '/verify',
    operationId: 'verify_verify',
    summary: 'Verify:Verify',
    tags: ['auth'],
    body: { schema: verifyBody },
    responses: {
      200: ok('Successful Response', userRead),
      ...BAD('VERIFY_USER_BAD_TOKEN or VERIFY_USER_ALREADY_VERIFIED'),
      ...VALIDATION,
    },
  },
  {
    method: 'get',
    path: '/users/me',
    operationId: 'users_current_user',
    summary: 'Users:Current User',
    tags: ['users'],
    secured: true,
    responses: { 200: ok('Successful Response', userRead), ...UNAUTHORIZED, ...FORBIDDEN },
  },
  {
    method: 'patch',
    path: '/users/me',
    operationId: 'users_patch_current_user',
    summary: 'Users:Patch Current User',
    tags: ['users'],
    secured: true,
    body: { schema: userUpdate },
    responses: {
      200: ok('Successful Response', userRead),
      ...BAD('UPDATE_USER_EMAIL_ALREADY_EXISTS or {code: UPDATE_USER_INVALID_PASSWORD, reason}'),
      ...UNAUTHORIZED,
      ...FORBIDDEN,
      ...VALIDATION,
    },
  },
  {
    method: 'get',
    path: '/users/{id}',
    operationId: 'users_user',
    summary: 'Users:User',
    tags: ['users'],
    secured: true,
    responses: {
      200: ok('Successful Response', userRead),
      ...UNAUTHORIZED,
      ...FORBIDDEN,
      ...NOT_FOUND,
    },
  },
  {
    method: 'patch',
    path: '/users/{id}',
    operationId: 'users_patch_user',
    summary: 'Users:Patch User',
    tags: ['users'],
    secured: true,
    body: { schema: userUpdate },
    responses: {
      200: ok('Successful Response', userRead),
      ...BAD('UPDATE_USER_EMAIL_ALREADY_EXISTS or {code: UPDATE_USER_INVALID_PASSWORD, reason}'),
      ...UNAUTHORIZED,
      ...FORBIDDEN,
      ...NOT_FOUND,
      ...VALIDATION,
    },
  },
  {
    method: 'delete',
    path: '/users/{id}',
    operationId: 'users_delete_user',
    summary: 'Users:Delete User',
    tags: ['users'],
    secured: true,
    responses: { 204: ok('Successful Response'), ...UNAUTHORIZED, ...FORBIDDEN, ...NOT_FOUND },
  },
  {
    method: 'get',
    path: '/openapi.json',
    operationId: 'openapi',
    summary: 'OpenAPI',
    tags: [],
    responses: { 200: ok('The OpenAPI document') },
    undocumented: true,
  },
  {
    method: 'get',
    path: '/docs',
    operationId: 'docs',
    summary: 'Swagger UI',
    tags: [],
    responses: { 200: ok('Swagger UI') },
    undocumented: true,
  },
];

const patterns = new Map(
  ROUTES.map((route) => [
    route.path,
    new RegExp(`^${route.path.replace(/\{[^}]+\}/g, '[^/]+').replace(/\./g, '\\.')}$`),
  ]),
);

/**
 * The methods served at `path` (empty when no route has that path), for 405's `Allow`. Every
 * matching route counts: `DELETE /users/me` is served, by `/users/{id}`. (Starlette names only the
 * first partially matching route's method; the full list is what RFC 9110 asks for.)
 */
export function methodsAt(path: string): string[] {
  const methods = ROUTES.filter((route) => patterns.get(route.path)!.test(path)).map((route) =>
    route.method.toUpperCase(),
  );
  return [...new Set(methods)];
}
