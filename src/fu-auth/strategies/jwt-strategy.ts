import { ACCESS_AUDIENCE } from '../../lib/contracts/fu-jwt.js';
import type { Clock } from '../../lib/clock.js';
import type { FuUser, UserStore } from '../store/user-store.js';
import { parseId } from '../validation/parse-id.js';
import { decodeJwt, generateJwt } from './jwt.js';

/**
 * `JWTStrategy`: stateless access tokens `{"sub", "aud": ["fastapi-users:auth"], "exp"}`; note the
 * audience is written as an array. Logout cannot revoke them (upstream: "a JWT can't be invalidated").
 * @see https://github.com/fastapi-users/fastapi-users/blob/master/fastapi_users/authentication/strategy/jwt.py
 */
export { ACCESS_AUDIENCE };

export interface TokenStrategy {
  read(token: string): Promise<FuUser | null>;
  write(user: FuUser): Promise<string>;
  destroy(token: string): Promise<void>;
}

export function createJwtStrategy(deps: {
  secret: string;
  lifetimeSeconds: number;
  clock: Clock;
  store: () => UserStore;
}): TokenStrategy {
  return {
    async read(token) {
      const payload = await decodeJwt(token, deps.secret, [ACCESS_AUDIENCE], deps.clock);
      const id = parseId(payload?.sub);
      return id ? deps.store().getById(id) : null;
    },
    write: (user) =>
      generateJwt(
        { sub: user.id, aud: [ACCESS_AUDIENCE] },
        deps.secret,
        deps.lifetimeSeconds,
        deps.clock,
      ),
    destroy: async () => undefined,
  };
}
