import type { Sequelize } from 'sequelize';
import type { Config } from '../config/load-config.js';
import type { LegacyWriteObserver } from '../legacy-auth/legacy-auth-service.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import type { PasswordHasher } from '../passwords/password-hasher.js';
import type { LegacyUserRepository } from '../users/legacy-user-repository.js';
import type { CredentialReader } from '../sessions/carried-credentials.js';
import { createLoginConfirmation } from '../sessions/login-confirmation.js';
import type { RouteClaims } from '../sessions/route-claims.js';
import type { SessionEnder } from '../sessions/session-ender.js';
import { createAddressClaims, type AddressClaims } from '../users/address-claim.js';
import { createAuthenticator } from './authenticator.js';
import { createFacadeService } from './facade/facade-service.js';
import { createFacadeSessionStore } from './facade/facade-session-store.js';
import type { FacadeRouterDeps } from './facade/facade-router.js';
import type { FuAuthDeps } from './fu-auth-deps.js';
import type { FuAuthHooks } from './hooks.js';
import { createMailHooks } from './mail/mail-hooks.js';
import { createMailer } from './mail/mailer.js';
import type { Throttles } from '../rate-limit/throttles.js';
import type { BackgroundWork } from '../lib/background-work.js';
import { createActionTokens } from './strategies/action-tokens.js';
import { createDatabaseStrategy } from './strategies/database-strategy.js';
import { createJwtStrategy } from './strategies/jwt-strategy.js';
import { createAccessTokenStore } from './store/access-token-store.js';
import { createSplitUserStore } from './store/split-user-store.js';
import type { UserStore } from './store/user-store.js';
import { createConsolidatedUserStore } from './store/consolidated-user-store.js';
import { createSettingsRepository } from '../settings/settings-repository.js';
import {
  createUserStoreFollower,
  type UserStoreFollower,
} from '../settings/user-store-follower.js';
import { createUserManager } from './user-manager.js';
import { createOAuthAccountStore } from './oauth/oauth-account-store.js';
import type { OAuthDeps } from './oauth/oauth-deps.js';
import { createOAuthSignIn } from './oauth/oauth-sign-in.js';
import { createOAuthState } from './oauth/oauth-state.js';
import { createOidcClient } from './oauth/oidc-client.js';

export interface FuAuth {
  deps: FuAuthDeps;
  facade: Omit<FacadeRouterDeps, 'logger' | 'portable'>;
  /** Lets legacy password changes reach the new engine's copy in the same transaction. */
  legacyObserver: LegacyWriteObserver;
  /** Who holds an address, by the active store's rule, for the legacy engine's registrations. */
  addressClaims: AddressClaims;
  /** Follows the `user_store` setting; started by deps.start(), stopped by deps.close(). */
  userStore: UserStoreFollower;
}

/** Wires the new engine for buildDeps: the only place its parts are created. */
export function buildFuAuth(input: {
  config: Config;
  sequelize: Sequelize;
  databaseUrl: string;
  clock: Clock;
  logger: Logger;
  hasher: PasswordHasher;
  legacyUsers: LegacyUserRepository;
  hooks?: FuAuthHooks;
  /** src/sessions: credential changes end sessions, logins set the routing claim. */
  sessions: SessionEnder;
  routeClaims: RouteClaims;
  readCredentials: CredentialReader;
  /** The limits every engine shares (src/rate-limit). */
  throttles: Throttles;
  /** Where forgot-password and request-verify-token do their work after answering. */
  background: BackgroundWork;
}): FuAuth {
  const { config, sequelize, clock, hasher, throttles } = input;
  const settings = config.fuAuth;
  const fuUsers = createSplitUserStore({ sequelize, clock, writeBack: settings.legacyWriteBack });
  const users = createConsolidatedUserStore({
    sequelize,
    clock,
    keepBcryptCopy: settings.legacyWriteBack,
  });
  const userStore = createUserStoreFollower({
    repository: createSettingsRepository(sequelize),
    databaseUrl: input.databaseUrl,
    refreshMs: settings.userStoreRefreshMs,
    logger: input.logger,
  });
  // Read per call, so every instance follows a cutover or rollback without a restart.
  const store = (): UserStore => (userStore.current() === 'users' ? users : fuUsers);
  const hooks =
    input.hooks ??
    createMailHooks({
      mailer: createMailer(config.mail),
      publicUrl: config.mail.publicUrl,
      logger: input.logger,
    });
  const tokens = createActionTokens(
    {
      resetSecret: settings.resetPasswordTokenSecret,
      resetLifetimeSeconds: settings.resetPasswordTokenLifetimeSeconds,
      verifySecret: settings.verificationTokenSecret,
      verifyLifetimeSeconds: settings.verificationTokenLifetimeSeconds,
    },
    { hasher, clock },
  );
  const jwt = createJwtStrategy({
    secret: settings.jwtSecret,
    lifetimeSeconds: settings.jwtLifetimeSeconds,
    clock,
    store,
  });
  const database = createDatabaseStrategy({
    tokens: createAccessTokenStore(sequelize),
    lifetimeSeconds: settings.dbTokenLifetimeSeconds,
    clock,
    store,
  });
  const manager = createUserManager({
    store,
    hasher,
    tokens,
    hooks,
    sessions: input.sessions,
    policy: settings.passwordPolicy,
    unknownHash: settings.compat.unknownHash,
  });
  const oauthAccounts = createOAuthAccountStore(sequelize);
  const oauth: OAuthDeps = {
    providers: config.oauth.providers.map((provider) => ({
      config: provider,
      // Plain-HTTP providers only outside production (the config refuses them there too).
      client: createOidcClient(provider, {
        allowHttp: config.env !== 'production',
        now: () => clock.now(),
      }),
    })),
    state: createOAuthState({ secret: config.oauth.stateSecret, clock }),
    signIn: createOAuthSignIn({ store, manager, accounts: oauthAccounts, hooks }),
    accounts: oauthAccounts,
  };
  const facadeSession = {
    service: createFacadeService({
      store,
      legacyUsers: input.legacyUsers,
      hasher,
      sessions: input.sessions,
    }),
    sessions: createFacadeSessionStore(sequelize),
    clock,
  };
  return {
    deps: {
      store,
      manager,
      patchNullFields: settings.compat.patchNullFields,
      jwt,
      database,
      authenticator: createAuthenticator({ jwt, database }),
      throttles,
      background: input.background,
      hooks,
      requiresVerification: settings.requiresVerification,
      cookie: { maxAgeSeconds: settings.cookieMaxAgeSeconds, secure: settings.cookieSecure },
      routeClaims: input.routeClaims,
      readCredentials: input.readCredentials,
      confirmLogin: createLoginConfirmation({
        sequelize,
        store,
        legacyUsers: input.legacyUsers,
        hasher,
      }),
      oauth,
    },
    facade: {
      ...facadeSession,
      throttles,
      cookie: {
        secure: config.legacy.cookieSecure,
        maxAgeSeconds: config.legacy.sessionMaxAgeSeconds,
      },
    },
    addressClaims: createAddressClaims(sequelize, (email, transaction) =>
      store().emailTaken(email, transaction),
    ),
    legacyObserver: {
      passwordChanged: (user, legacyHash, transaction) =>
        store().followLegacyPassword(user.id, legacyHash, transaction),
    },
    userStore,
  };
}
