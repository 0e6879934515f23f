import type { OAuthProviderConfig } from '../../config/oauth-providers.js';
import type { OAuthAccountStore } from './oauth-account-store.js';
import type { OAuthSignIn } from './oauth-sign-in.js';
import type { OAuthState } from './oauth-state.js';
import type { OidcClient } from './oidc-client.js';

/** What the OAuth routers need: one client per configured provider, states, the sign-in rules. */
export interface OAuthDeps {
  providers: readonly { config: OAuthProviderConfig; client: OidcClient }[];
  state: OAuthState;
  signIn: OAuthSignIn;
  accounts: OAuthAccountStore;
}
