import type { DeclaredResponse } from './declared-responses.js';
import { ROUTES, type RouteSpec } from './openapi-routes.js';

/**
 * The OAuth routers of the configured providers as route specs, declared as fastapi-users
 * declares them (route names, `response_model`, `responses=`, httpx-oauth's callback query
 * parameters), so the document lists them with FastAPI's operationIds, e.g.
 * `oauth_google_jwt_authorize_fu_auth_google_authorize_get`.
 * @see https://github.com/fastapi-users/fastapi-users/blob/master/fastapi_users/router/oauth.py
 */
export interface OAuthRouteProvider {
  name: string;
  backend: 'jwt' | 'cookie';
}

const optionalString = (title: string) => ({
  anyOf: [{ type: 'string' }, { type: 'null' }],
  title,
});

/** `scopes: list[str] = Query(None)` */
const SCOPES = [
  { name: 'scopes', schema: { type: 'array', items: { type: 'string' }, title: 'Scopes' } },
];

/** httpx-oauth's `OAuth2AuthorizeCallback.__call__` parameters. */
const CALLBACK_QUERY = [
  { name: 'code', schema: optionalString('Code') },
  { name: 'code_verifier', schema: optionalString('Code Verifier') },
  { name: 'state', schema: optionalString('State') },
  { name: 'error', schema: optionalString('Error') },
];

const DESCRIPTION = 'The response varies based on the authentication backend used.';

const INVALID_STATE = { summary: 'Invalid state token.', value: null };

const callbackBadRequest = (examples: Record<string, unknown>): DeclaredResponse => ({
  model: 'ErrorModel',
  content: { 'application/json': { examples } },
});

export function oauthRoutes(providers: readonly OAuthRouteProvider[]): RouteSpec[] {
  return providers.flatMap(({ name, backend }): RouteSpec[] => [
    {
      method: 'get',
      path: `/${name}/authorize`,
      name: `oauth:${name}.${backend}.authorize`,
      tags: ['auth'],
      responseModel: 'OAuth2AuthorizeResponse',
      queryParams: SCOPES,
    },
    {
      method: 'get',
      path: `/${name}/callback`,
      name: `oauth:${name}.${backend}.callback`,
      tags: ['auth'],
      description: DESCRIPTION,
      queryParams: CALLBACK_QUERY,
      responses: {
        400: callbackBadRequest({
          INVALID_STATE_TOKEN: INVALID_STATE,
          LOGIN_BAD_CREDENTIALS: {
            summary: 'User is inactive.',
            value: { detail: 'LOGIN_BAD_CREDENTIALS' },
          },
        }),
      },
    },
    {
      method: 'get',
      path: `/associate/${name}/authorize`,
      name: `oauth-associate:${name}.authorize`,
      tags: ['auth'],
      secured: true,
      responseModel: 'OAuth2AuthorizeResponse',
      queryParams: SCOPES,
    },
    {
      method: 'get',
      path: `/associate/${name}/callback`,
      name: `oauth-associate:${name}.callback`,
      tags: ['auth'],
      secured: true,
      responseModel: 'UserRead',
      description: DESCRIPTION,
      queryParams: CALLBACK_QUERY,
      responses: { 400: callbackBadRequest({ INVALID_STATE_TOKEN: INVALID_STATE }) },
    },
  ]);
}

/** Every route of an app with these providers: the fixed routers, then the OAuth ones. */
export const routeTable = (providers: readonly OAuthRouteProvider[]): RouteSpec[] => [
  ...ROUTES,
  ...oauthRoutes(providers),
];
