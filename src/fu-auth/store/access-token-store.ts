import { type Sequelize } from 'sequelize';
import { createPreparedRead } from '../../db/prepared-reads.js';
import { isIssuableToken } from '../../lib/random.js';

/**
 * `fu_access_tokens`, the database strategy's table. It refers to users only by their UUID, which
 * is the same in every phase, so it does not depend on which user store is active.
 */
export interface AccessTokenStore {
  insert(token: string, userId: string, createdAt: Date): Promise<void>;
  /** The user id of a token created at or after `notBefore`; older rows simply do not count. */
  userIdFor(token: string, notBefore: Date): Promise<string | null>;
  delete(token: string): Promise<void>;
}

export function createAccessTokenStore(sequelize: Sequelize): AccessTokenStore {
  const read = createPreparedRead(sequelize);
  return {
    async insert(token, userId, createdAt) {
      await sequelize.query(
        'INSERT INTO fu_access_tokens (token, created_at, user_id) VALUES ($token, $createdAt, $userId)',
        { bind: { token, createdAt, userId } },
      );
    },
    async userIdFor(token, notBefore) {
      if (!isIssuableToken(token)) return null;
      const [row] = await read<{ user_id: string }>(
        'SELECT user_id FROM fu_access_tokens WHERE token = $1 AND created_at >= $2',
        [token, notBefore],
      );
      return row?.user_id ?? null;
    },
    async delete(token) {
      await sequelize.query('DELETE FROM fu_access_tokens WHERE token = $token', {
        bind: { token },
      });
    },
  };
}
