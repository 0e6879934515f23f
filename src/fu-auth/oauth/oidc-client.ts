import * as oidc from 'openid-client';
import type { OAuthProviderConfig } from '../../config/oauth-providers.js';

/**
 * One OpenID Connect provider, through openid-client (certified): discovery, the authorization
 * URL with PKCE, the code exchange with ID-token validation (signature by the provider's JWKS,
 * issuer, audience, expiry) and, when the ID token carries no e-mail, the userinfo endpoint.
 * Discovery happens on first use and is retried after a failure, so a provider that is down at
 * start-up does not stop the server; it only makes its own routes answer 503.
 */
export interface ProviderIdentity {
  accountId: string;
  /** Null when the provider asserts none: the routes answer OAUTH_NOT_AVAILABLE_EMAIL. */
  email: string | null;
  /** The provider's `email_verified`; only a verified e-mail may link an existing account. */
  emailVerified: boolean;
  accessToken: string;
  /** Epoch seconds, as fastapi-users stores it. */
  expiresAt: number | null;
  refreshToken: string | null;
}

/** How a failed exchange is answered: the provider's own OAuth error, or unreachable. */
export class ProviderError extends Error {
  constructor(
    readonly kind: 'refused' | 'unavailable' | 'invalid',
    /** The OAuth `error` the provider returned (`invalid_grant`…), for `refused`. */
    readonly oauthError?: string,
    options?: { cause?: unknown },
  ) {
    super(`OpenID Connect provider ${kind}${oauthError ? `: ${oauthError}` : ''}`, options);
    this.name = 'ProviderError';
  }
}

const TIMEOUT_SECONDS = 10;

export function createOidcClient(
  provider: OAuthProviderConfig,
  options: { allowHttp: boolean; now: () => Date },
) {
  let discovered: Promise<oidc.Configuration> | undefined;

  function configuration(): Promise<oidc.Configuration> {
    discovered ??= oidc
      .discovery(
        new URL(provider.issuer),
        provider.clientId,
        { client_secret: provider.clientSecret },
        undefined,
        {
          timeout: TIMEOUT_SECONDS,
          ...(options.allowHttp && new URL(provider.issuer).protocol === 'http:'
            ? { execute: [oidc.allowInsecureRequests] }
            : {}),
        },
      )
      .then((config) => {
        config.timeout = TIMEOUT_SECONDS;
        return config;
      })
      .catch((error: unknown) => {
        discovered = undefined;
        throw classify(error);
      });
    return discovered;
  }

  return {
    name: provider.name,

    async authorizationUrl(input: {
      redirectUri: string;
      state: string;
      scopes: readonly string[] | undefined;
      codeVerifier: string;
    }): Promise<string> {
      const config = await configuration();
      const scopes = new Set(['openid', ...(input.scopes ?? provider.scopes)]);
      const parameters: Record<string, string> = {
        redirect_uri: input.redirectUri,
        scope: [...scopes].join(' '),
        state: input.state,
      };
      if (config.serverMetadata().supportsPKCE()) {
        parameters.code_challenge = await oidc.calculatePKCECodeChallenge(input.codeVerifier);
        parameters.code_challenge_method = 'S256';
      }
      return oidc.buildAuthorizationUrl(config, parameters).href;
    },

    /** `callbackUrl`: the redirect URI with the query the provider sent the browser back with. */
    async exchange(input: {
      callbackUrl: URL;
      state: string;
      codeVerifier: string;
    }): Promise<ProviderIdentity> {
      const config = await configuration();
      try {
        const tokens = await oidc.authorizationCodeGrant(config, input.callbackUrl, {
          expectedState: input.state,
          idTokenExpected: true,
          ...(config.serverMetadata().supportsPKCE()
            ? { pkceCodeVerifier: input.codeVerifier }
            : {}),
        });
        const claims = tokens.claims()!;
        let email = claims.email;
        let verified = claims.email_verified;
        if (typeof email !== 'string') {
          const info = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
          email = info.email;
          verified = info.email_verified;
        }
        return {
          accountId: claims.sub,
          email: typeof email === 'string' && email !== '' ? email : null,
          // Some providers send the flag as a string.
          emailVerified: verified === true || verified === 'true',
          accessToken: tokens.access_token,
          expiresAt:
            typeof tokens.expires_in === 'number'
              ? Math.floor(options.now().getTime() / 1000) + tokens.expires_in
              : null,
          refreshToken: tokens.refresh_token ?? null,
        };
      } catch (error) {
        throw classify(error);
      }
    },
  };
}

export type OidcClient = ReturnType<typeof createOidcClient>;

/** Network failures and provider 5xx are "unavailable"; OAuth errors are the provider's answer. */
function classify(error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  if (error instanceof oidc.AuthorizationResponseError)
    return new ProviderError('refused', error.error, { cause: error });
  if (error instanceof oidc.ResponseBodyError)
    return error.status >= 500
      ? new ProviderError('unavailable', undefined, { cause: error })
      : new ProviderError('refused', error.error, { cause: error });
  const code = (error as { code?: unknown }).code;
  if (
    error instanceof TypeError ||
    (error instanceof Error && ['AbortError', 'TimeoutError'].includes(error.name)) ||
    code === 'OAUTH_RESPONSE_IS_NOT_CONFORM' ||
    code === 'OAUTH_RESPONSE_IS_NOT_JSON'
  )
    return new ProviderError('unavailable', undefined, { cause: error });
  return new ProviderError('invalid', undefined, { cause: error });
}
