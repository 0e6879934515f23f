import { type Sequelize } from 'sequelize';

/**
 * `fu_access_tokens`, the database strategy's table. It refers to users only by their UUID, which
 * is the same in every phase, so it does not depend on which user store is active. Reading a
 * token is the user store's (`getByAccessToken`): the token and its user come in one statement.
 */
export interface AccessTokenStore {
  insert(token: string, userId: string, createdAt: Date): Promise<void>;
  delete(token: string): Promise<void>;
}

export function createAccessTokenStore(sequelize: Sequelize): AccessTokenStore {
  return {
    async insert(token, userId, createdAt) {
      await sequelize.query(
        'INSERT INTO fu_access_tokens (token, created_at, user_id) VALUES ($token, $createdAt, $userId)',
        { bind: { token, createdAt, userId } },
      );
    },
    async delete(token) {
      await sequelize.query('DELETE FROM fu_access_tokens WHERE token = $token', {
        bind: { token },
      });
    },
  };
}
