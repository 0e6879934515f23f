import type { Authenticator } from './authenticator.js';
import type { FuAuthHooks } from './hooks.js';
import type { CookieSettings } from './http/transports.js';
import type { OAuthDeps } from './oauth/oauth-deps.js';
import type { Throttles } from '../rate-limit/throttles.js';
import type { BackgroundWork } from '../lib/background-work.js';
import type { TokenStrategy } from './strategies/jwt-strategy.js';
import type { UserStore } from './store/user-store.js';
import type { UserManager } from './user-manager.js';
import type { CredentialReader } from '../sessions/carried-credentials.js';
import type { LoginConfirmation } from '../sessions/login-confirmation.js';
import type { RouteClaims } from '../sessions/route-claims.js';

/** Everything the `/fu_auth` routers need; built once in src/deps.ts. */
export interface FuAuthDeps {
  /** The active user store; a getter so it can be switched at run time. */
  store: () => UserStore;
  manager: UserManager;
  jwt: TokenStrategy;
  database: TokenStrategy;
  authenticator: Authenticator;
  throttles: Throttles;
  /** Work after the answer: forgot-password and request-verify-token answer before it. */
  background: BackgroundWork;
  hooks: FuAuthHooks;
  /** FU_REQUIRES_VERIFICATION: both the auth and the users router (upstream's per-router flag). */
  requiresVerification: boolean;
  cookie: CookieSettings;
  /** FU_PATCH_NULL_FIELDS: explicit nulls in PATCH /users bodies are ignored, or answered 422. */
  patchNullFields: 'ignore' | 'reject';
  /** The routing claim cookie: set on login, refreshed on `/users/me` (src/sessions). */
  routeClaims: RouteClaims;
  /** The session credentials a request carries: the ones a credential change leaves alone. */
  readCredentials: CredentialReader;
  /** A login's stored session stands only if no credential change overtook it (src/sessions). */
  confirmLogin: LoginConfirmation;
  /** OAuth sign-in (OAUTH_PROVIDERS); no providers, no routes. */
  oauth: OAuthDeps;
}
