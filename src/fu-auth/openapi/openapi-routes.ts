import type { z } from 'zod';
import type { ModelName } from './component-schemas.js';
import {
  BEARER_LOGIN_SUCCESS,
  COOKIE_NO_CONTENT,
  LOGIN_BAD_REQUEST,
  NOT_A_SUPERUSER,
  REGISTER_BAD_REQUEST,
  RESET_BAD_REQUEST,
  TOO_MANY_REQUESTS,
  UNAUTHORIZED,
  UPDATE_BAD_REQUEST,
  USER_NOT_FOUND,
  VERIFY_BAD_REQUEST,
  type DeclaredResponse,
} from './declared-responses.js';
import { emailBody, loginForm, resetPasswordBody, verifyBody } from '../validation/schemas.js';

/**
 * Every `/fu_auth` route as data, declared the way fastapi-users declares it to FastAPI (route name,
 * `status_code`, `response_model`, body parameters, `responses=`), so that the OpenAPI document is
 * what FastAPI renders for a fastapi-users app (openapi-rendering.ts). The 404/405/307 fallback
 * reads the paths too. Paths are relative to the mount point and written the OpenAPI way (`{id}`).
 *
 * Status codes on the wire are not read from here: as in fastapi-users, the auth routes declare no
 * `status_code`, so the document also lists FastAPI's default 200 for logout and cookie login, which
 * answer 204 (fu_auth.md 2.7; the 204 is documented too). Documenting only the 204 would change the
 * client a generator builds from the document (the generated-client test wants the same client).
 */
export type Method = 'get' | 'post' | 'patch' | 'delete';

export type RouteBody =
  /** A single pydantic-model parameter: the model is the body (`UserCreate`). */
  | { model: ModelName }
  /** `Body(embed=True)`/several `Body()`/`Form()` parameters: FastAPI's `Body_<operationId>`. */
  | { embed: z.ZodObject; form?: boolean };

export interface RouteSpec {
  method: Method;
  path: string;
  /** fastapi-users' route name; FastAPI derives the operationId and the summary from it. */
  name: string;
  tags: string[];
  /** `status_code=`; FastAPI documents 200 (the JSONResponse default) when there is none. */
  status?: number;
  responseModel?: ModelName;
  body?: RouteBody;
  /** Path parameters, all `str` (`get_user_or_404(id: str)`). */
  pathParams?: string[];
  /** Query parameters, none required, with the schema FastAPI renders for each. */
  queryParams?: { name: string; schema: Record<string, unknown> }[];
  /** The route's `description=`. */
  description?: string;
  /** Needs a credential (bearer or cookie); the document lists both security schemes. */
  secured?: boolean;
  responses?: Record<number, DeclaredResponse>;
  /** The documentation routes themselves are served but not described, as in FastAPI. */
  undocumented?: boolean;
}

const login = (backend: 'jwt' | 'cookie'): RouteSpec => ({
  method: 'post',
  path: `/${backend}/login`,
  name: `auth:${backend}.login`,
  tags: ['auth'],
  body: { embed: loginForm, form: true },
  responses: {
    400: LOGIN_BAD_REQUEST,
    ...(backend === 'jwt' ? { 200: BEARER_LOGIN_SUCCESS } : { 204: COOKIE_NO_CONTENT }),
    429: TOO_MANY_REQUESTS,
  },
});

const logout = (backend: 'jwt' | 'cookie'): RouteSpec => ({
  method: 'post',
  path: `/${backend}/logout`,
  name: `auth:${backend}.logout`,
  tags: ['auth'],
  secured: true,
  responses:
    backend === 'cookie' ? { 401: UNAUTHORIZED, 204: COOKIE_NO_CONTENT } : { 401: UNAUTHORIZED },
});

const SUPERUSER = { 401: UNAUTHORIZED, 403: NOT_A_SUPERUSER, 404: USER_NOT_FOUND };

const users = (spec: Omit<RouteSpec, 'tags' | 'secured' | 'responseModel'>): RouteSpec => ({
  tags: ['users'],
  secured: true,
  responseModel: 'UserRead',
  ...spec,
});

export const ROUTES: RouteSpec[] = [
  login('jwt'),
  logout('jwt'),
  login('cookie'),
  logout('cookie'),
  {
    method: 'post',
    path: '/register',
    name: 'register:register',
    tags: ['auth'],
    status: 201,
    responseModel: 'UserRead',
    body: { model: 'UserCreate' },
    responses: { 400: REGISTER_BAD_REQUEST, 429: TOO_MANY_REQUESTS },
  },
  {
    method: 'post',
    path: '/forgot-password',
    name: 'reset:forgot_password',
    tags: ['auth'],
    status: 202,
    body: { embed: emailBody },
    responses: { 429: TOO_MANY_REQUESTS },
  },
  {
    method: 'post',
    path: '/reset-password',
    name: 'reset:reset_password',
    tags: ['auth'],
    body: { embed: resetPasswordBody },
    responses: { 400: RESET_BAD_REQUEST },
  },
  {
    method: 'post',
    path: '/request-verify-token',
    name: 'verify:request-token',
    tags: ['auth'],
    status: 202,
    body: { embed: emailBody },
    responses: { 429: TOO_MANY_REQUESTS },
  },
  {
    method: 'post',
    path: '/verify',
    name: 'verify:verify',
    tags: ['auth'],
    responseModel: 'UserRead',
    body: { embed: verifyBody },
    responses: { 400: VERIFY_BAD_REQUEST },
  },
  users({
    method: 'get',
    path: '/users/me',
    name: 'users:current_user',
    responses: { 401: UNAUTHORIZED },
  }),
  users({
    method: 'patch',
    path: '/users/me',
    name: 'users:patch_current_user',
    body: { model: 'UserUpdate' },
    responses: { 401: UNAUTHORIZED, 400: UPDATE_BAD_REQUEST },
  }),
  users({
    method: 'get',
    path: '/users/{id}',
    name: 'users:user',
    pathParams: ['id'],
    responses: SUPERUSER,
  }),
  users({
    method: 'patch',
    path: '/users/{id}',
    name: 'users:patch_user',
    pathParams: ['id'],
    body: { model: 'UserUpdate' },
    responses: { ...SUPERUSER, 400: UPDATE_BAD_REQUEST },
  }),
  {
    method: 'delete',
    path: '/users/{id}',
    name: 'users:delete_user',
    tags: ['users'],
    status: 204,
    secured: true,
    pathParams: ['id'],
    responses: SUPERUSER,
  },
  { method: 'get', path: '/openapi.json', name: 'openapi', tags: [], undocumented: true },
  { method: 'get', path: '/docs', name: 'swagger_ui_html', tags: [], undocumented: true },
];

const patternOf = (path: string) =>
  new RegExp(`^${path.replace(/\{[^}]+\}/g, '[^/]+').replace(/\./g, '\\.')}$`);

/**
 * The methods served at `path` (empty when no route has that path), for 405's `Allow`. Every
 * matching route counts: `DELETE /users/me` is served, by `/users/{id}`. (Starlette names only the
 * first partially matching route's method; the full list is what RFC 9110 asks for.) `routes`:
 * the table of this app (ROUTES plus the OAuth routers of its providers).
 */
export function methodsAt(path: string, routes: readonly RouteSpec[] = ROUTES): string[] {
  const methods = routes
    .filter((route) => patternOf(route.path).test(path))
    .map((route) => route.method.toUpperCase());
  return [...new Set(methods)];
}
