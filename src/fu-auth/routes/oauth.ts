import type { Request, Response, Router } from 'express';
import { AppError } from '../../errors/app-error.js';
import { credentialOf, requestInfo } from '../authenticator.js';
import type { FuAuthDeps } from '../fu-auth-deps.js';
import { createBackendLogin } from '../http/backend-login.js';
import { sendJson, userRead } from '../http/send.js';
import { readCookie } from '../http/transports.js';
import type { OAuthDeps } from '../oauth/oauth-deps.js';
import { CSRF_COOKIE, csrfCookie, csrfMatches } from '../oauth/oauth-state.js';
import { ProviderError, type OidcClient, type ProviderIdentity } from '../oauth/oidc-client.js';

/**
 * fastapi-users' OAuth routers, one pair per configured provider, mounted as its docs mount them
 * (`/{name}` and `/associate/{name}`):
 * - `GET /{name}/authorize[?scopes=…]` → `{"authorization_url"}` + the CSRF cookie;
 * - `GET /{name}/callback` → the login of the provider's backend (JWT 200 / cookie 204);
 * - `GET /associate/{name}/authorize|callback` for a signed-in user → 200 UserRead.
 * Deliberate deviations, all safer and invisible to a client that follows the flow: the state and
 * CSRF cookie are checked before the code is exchanged (upstream exchanges first), PKCE is used
 * when the provider supports it, and a provider that cannot be reached is `400 {"detail":
 * "OAUTH_PROVIDER_UNAVAILABLE"}` (upstream: 500).
 * @see https://github.com/fastapi-users/fastapi-users/blob/master/fastapi_users/router/oauth.py
 */
export function addOAuthRoutes(router: Router, deps: FuAuthDeps & { oauth: OAuthDeps }): void {
  const { oauth } = deps;
  const login = createBackendLogin(deps);
  const current = deps.authenticator.current({ verified: deps.requiresVerification });

  /** Upstream's `request.url_for(callback route)` when no redirect URL is configured. */
  const ownUrl = (req: Request, path: string) =>
    `${req.protocol}://${req.get('host')}${req.baseUrl}${path}`;

  async function authorize(
    req: Request,
    res: Response,
    client: OidcClient,
    redirectUri: string,
    sub?: string,
  ) {
    const csrf = oauth.state.newCsrfToken();
    const state = await oauth.state.write(csrf, sub);
    const authorizationUrl = await withProvider(() =>
      client.authorizationUrl({
        redirectUri,
        state,
        scopes: scopesOf(req),
        codeVerifier: oauth.state.codeVerifier(csrf),
      }),
    );
    res.setHeader('set-cookie', csrfCookie(csrf, deps.cookie.secure));
    sendJson(res, 200, { authorization_url: authorizationUrl });
  }

  /**
   * The callback's checks in fastapi-users' order, then the exchange: `code`/`error` (httpx-oauth's
   * dependency), the state token, the CSRF cookie, the user the state names (associate: `sub`).
   */
  async function callback(
    req: Request,
    res: Response,
    client: OidcClient,
    redirectUri: string,
    sub?: string,
  ): Promise<ProviderIdentity | null> {
    const code = queryString(req, 'code');
    const error = queryString(req, 'error');
    if (error !== undefined) {
      // Starlette's HTTPException(400, detail=<the provider's error>): the value is the detail.
      sendJson(res, 400, { detail: error });
      return null;
    }
    const state = queryString(req, 'state');
    if (code === undefined || state === undefined) throw new AppError('BAD_REQUEST');
    const reading = await oauth.state.read(state);
    if (!reading.ok) throw new AppError(reading.error);
    const csrf = readCookie(req, CSRF_COOKIE);
    if (!csrfMatches(csrf, reading.csrfToken)) throw new AppError('OAUTH_INVALID_STATE');
    // Upstream: HTTPException(400) without detail when the state was made for someone else.
    if (sub !== undefined && reading.sub !== sub) throw new AppError('BAD_REQUEST');
    const callbackUrl = new URL(redirectUri);
    callbackUrl.search = new URL(req.originalUrl, 'http://x').search;
    const identity = await withProvider(() =>
      client.exchange({ callbackUrl, state, codeVerifier: oauth.state.codeVerifier(csrf!) }),
    );
    if (identity.email === null) throw new AppError('OAUTH_NOT_AVAILABLE_EMAIL');
    return identity;
  }

  for (const { config, client } of oauth.providers) {
    const loginRedirect = (req: Request) =>
      config.redirectUrl ?? ownUrl(req, `/${config.name}/callback`);
    const associateRedirect = (req: Request) =>
      config.associateRedirectUrl ?? ownUrl(req, `/associate/${config.name}/callback`);

    router.get(`/${config.name}/authorize`, (req, res) =>
      authorize(req, res, client, loginRedirect(req)),
    );

    router.get(`/${config.name}/callback`, async (req, res) => {
      const identity = await callback(req, res, client, loginRedirect(req));
      if (!identity) return;
      const user = await oauth.signIn.signIn(config.name, identity, config, requestInfo(req));
      if (!user.isActive) throw new AppError('LOGIN_BAD_CREDENTIALS');
      await login(config.backend, user, req, res);
    });

    router.get(`/associate/${config.name}/authorize`, current, (req, res) =>
      authorize(req, res, client, associateRedirect(req), credentialOf(req).user.id),
    );

    router.get(`/associate/${config.name}/callback`, current, async (req, res) => {
      const { user } = credentialOf(req);
      const identity = await callback(req, res, client, associateRedirect(req), user.id);
      if (!identity) return;
      const linked = await oauth.signIn.associate(user, config.name, identity, requestInfo(req));
      sendJson(res, 200, userRead(linked));
    });
  }
}

/** FastAPI's `scopes: list[str] = Query(None)`: every `scopes` parameter, or none given. */
function scopesOf(req: Request): string[] | undefined {
  const raw = req.query.scopes;
  const list = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).filter(
    (s): s is string => typeof s === 'string',
  );
  return list.length > 0 ? list : undefined;
}

function queryString(req: Request, name: string): string | undefined {
  const value = req.query[name];
  const first = Array.isArray(value) ? value.at(-1) : value;
  return typeof first === 'string' ? first : undefined;
}

/** Provider failures as `/fu_auth` errors, never a 5xx: unreachable, or anything it refused → 400. */
async function withProvider<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof ProviderError)) throw error;
    if (error.kind === 'unavailable')
      throw new AppError('OAUTH_PROVIDER_UNAVAILABLE', { cause: error });
    throw new AppError('BAD_REQUEST', { cause: error });
  }
}
