import type { Clock } from '../../lib/clock.js';
import { isIssuableToken, randomToken } from '../../lib/random.js';
import type { AccessTokenStore } from '../store/access-token-store.js';
import type { UserStore } from '../store/user-store.js';
import type { TokenStrategy } from './jwt-strategy.js';

/**
 * `DatabaseStrategy`: one `fu_access_tokens` row per login (`secrets.token_urlsafe()`, 43 chars),
 * valid while younger than the lifetime; expired rows are not deleted, just ignored (upstream).
 * @see https://github.com/fastapi-users/fastapi-users/blob/master/fastapi_users/authentication/strategy/db/strategy.py
 */
export function createDatabaseStrategy(deps: {
  tokens: AccessTokenStore;
  lifetimeSeconds: number;
  clock: Clock;
  store: () => UserStore;
}): TokenStrategy {
  return {
    async read(token) {
      // The token row and its user in one statement (the hot read of every cookie request).
      if (!isIssuableToken(token)) return null;
      const notBefore = new Date(deps.clock.now().getTime() - deps.lifetimeSeconds * 1000);
      return deps.store().getByAccessToken(token, notBefore);
    },
    async write(user) {
      const token = randomToken(32);
      await deps.tokens.insert(token, user.id, deps.clock.now());
      return token;
    },
    destroy: (token) => deps.tokens.delete(token),
  };
}
