import { randomBytes } from 'node:crypto';
import { AppError, isAppError } from '../../errors/app-error.js';
import type { FuAuthHooks, RequestInfo } from '../hooks.js';
import { findSubject } from '../lazy-migration.js';
import type { FuUser, UserStore } from '../store/user-store.js';
import type { UserManager } from '../user-manager.js';
import { normalizeEmail, registrableEmail } from '../validation/email-address.js';
import type { OAuthAccountData, OAuthAccountStore } from './oauth-account-store.js';
import type { ProviderIdentity } from './oidc-client.js';

export interface SignInOptions {
  associateByEmail: boolean;
  isVerifiedByDefault: boolean;
}

/**
 * BaseUserManager's `oauth_callback` and `oauth_associate_callback` over this project's stores:
 * 1. a provider account already linked signs in its user (tokens refreshed);
 * 2. else an e-mail some account holds (canonically, src/lib/identity; a legacy-only account
 *    too) is linked only with `associate_by_email` AND an e-mail the provider says is verified
 *    (a deliberate tightening: upstream trusts any provider e-mail, which lets whoever controls
 *    an unverified address at the provider into the account); a legacy-only account is imported
 *    as lazy migration does (same person, its legacy hash kept, so its password still works on
 *    the legacy engine); never an unverified account another provider account opened (whoever
 *    opened it would keep a way into the owner's account); otherwise OAUTH_USER_ALREADY_EXISTS;
 * 3. else a new user with a random password, verified only with `is_verified_by_default` and a
 *    verified provider e-mail.
 * @see https://github.com/fastapi-users/fastapi-users/blob/master/fastapi_users/manager.py
 */
export function createOAuthSignIn(deps: {
  store: () => UserStore;
  manager: UserManager;
  accounts: OAuthAccountStore;
  hooks: FuAuthHooks;
}) {
  const { accounts } = deps;

  const accountData = (
    name: string,
    identity: ProviderIdentity,
    email: string,
  ): OAuthAccountData => ({
    oauthName: name,
    accountId: identity.accountId,
    accountEmail: email,
    accessToken: identity.accessToken,
    expiresAt: identity.expiresAt,
    refreshToken: identity.refreshToken,
  });

  /** The provider e-mail as an address, or OAUTH_NOT_AVAILABLE_EMAIL. */
  function addressOf(identity: ProviderIdentity): string {
    const result = identity.email === null ? null : normalizeEmail(identity.email);
    if (!result?.ok) throw new AppError('OAUTH_NOT_AVAILABLE_EMAIL');
    return result.email;
  }

  async function linkExisting(
    name: string,
    identity: ProviderIdentity,
    email: string,
    options: SignInOptions,
  ): Promise<FuUser | null> {
    const store = deps.store();
    const subject = await findSubject(store, email);
    if (!subject) {
      // Held, but by no account this address may name (twins): never someone else's account.
      if (await store.emailTaken(email)) throw new AppError('OAUTH_USER_ALREADY_EXISTS');
      return null;
    }
    if (!options.associateByEmail || !identity.emailVerified)
      throw new AppError('OAUTH_USER_ALREADY_EXISTS');
    let user: FuUser | null;
    if (subject.kind === 'user') {
      user = subject.user;
      // SECURITY: an unverified account that already has a provider account was opened by
      // whoever holds that provider account, not proven to be the mailbox's: linking the
      // mailbox owner into it would leave the first holder a way in (account pre-hijacking).
      if (!user.isVerified && (await accounts.listForUser(user.id)).length > 0)
        throw new AppError('OAUTH_USER_ALREADY_EXISTS');
    } else {
      if (!subject.candidate.isActive) throw new AppError('LOGIN_BAD_CREDENTIALS');
      user = await store.importLegacy(subject.candidate, subject.candidate.hashedPassword ?? '');
    }
    if (!user) throw new AppError('OAUTH_USER_ALREADY_EXISTS');
    if ((await accounts.link(user.id, accountData(name, identity, email))) === 'taken')
      throw new AppError('OAUTH_USER_ALREADY_EXISTS');
    return user;
  }

  async function create(
    name: string,
    identity: ProviderIdentity,
    options: SignInOptions,
    request: RequestInfo,
  ): Promise<FuUser> {
    const email = registrableEmail(identity.email ?? '');
    if (!email.ok) throw new AppError('OAUTH_NOT_AVAILABLE_EMAIL');
    let user: FuUser;
    try {
      user = await deps.manager.create(
        {
          email: email.email,
          password: randomBytes(32).toString('base64url'),
          isVerified: options.isVerifiedByDefault && identity.emailVerified,
        },
        request,
      );
    } catch (error) {
      // Another request registered the address meanwhile.
      if (isAppError(error) && error.code === 'REGISTER_USER_ALREADY_EXISTS')
        throw new AppError('OAUTH_USER_ALREADY_EXISTS', { cause: error });
      throw error;
    }
    if ((await accounts.link(user.id, accountData(name, identity, email.email))) === 'taken')
      throw new AppError('OAUTH_USER_ALREADY_EXISTS');
    return user;
  }

  return {
    /** The user a provider sign-in stands for; the route refuses inactive ones. */
    async signIn(
      name: string,
      identity: ProviderIdentity,
      options: SignInOptions,
      request: RequestInfo,
    ): Promise<FuUser> {
      const email = addressOf(identity);
      const linked = await accounts.find(name, identity.accountId);
      const owner = linked ? await deps.store().getById(linked.userId) : null;
      if (linked && owner) {
        await accounts.refresh(linked.id, accountData(name, identity, email));
        return owner;
      }
      return (
        (await linkExisting(name, identity, email, options)) ??
        (await create(name, identity, options, request))
      );
    },

    /** Links the provider account to the signed-in user (`on_after_update` with `{}`). */
    async associate(
      user: FuUser,
      name: string,
      identity: ProviderIdentity,
      request: RequestInfo,
    ): Promise<FuUser> {
      const email = addressOf(identity);
      if ((await accounts.link(user.id, accountData(name, identity, email))) === 'taken')
        throw new AppError('OAUTH_USER_ALREADY_EXISTS');
      await deps.hooks.onAfterUpdate(user, {}, request);
      return user;
    },
  };
}

export type OAuthSignIn = ReturnType<typeof createOAuthSignIn>;
