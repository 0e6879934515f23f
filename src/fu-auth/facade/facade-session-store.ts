import { type Sequelize } from 'sequelize';
import { createPreparedRead } from '../../db/prepared-reads.js';
import { isIssuableToken, randomToken } from '../../lib/random.js';

/**
 * Sessions of the legacy facade (`fu_facade_sessions`): an opaque 43-character token per login,
 * pointing at the legacy integer id, with a fixed expiry like the legacy session cookie's.
 */
export interface FacadeSessionStore {
  create(legacyUserId: number, createdAt: Date, expiresAt: Date): Promise<string>;
  /** The legacy id of a session that exists and has not expired at `now`. */
  find(token: string, now: Date): Promise<number | null>;
  destroy(token: string): Promise<void>;
}

export function createFacadeSessionStore(sequelize: Sequelize): FacadeSessionStore {
  const read = createPreparedRead(sequelize);
  return {
    async create(legacyUserId, createdAt, expiresAt) {
      const token = randomToken(32);
      await sequelize.query(
        `INSERT INTO fu_facade_sessions (token, legacy_user_id, created_at, expires_at)
         VALUES ($token, $legacyUserId, $createdAt, $expiresAt)`,
        { bind: { token, legacyUserId, createdAt, expiresAt } },
      );
      return token;
    },
    async find(token, now) {
      if (!isIssuableToken(token)) return null;
      const [row] = await read<{ legacy_user_id: number }>(
        'SELECT legacy_user_id FROM fu_facade_sessions WHERE token = $1 AND expires_at > $2',
        [token, now],
      );
      return row?.legacy_user_id ?? null;
    },
    async destroy(token) {
      await sequelize.query('DELETE FROM fu_facade_sessions WHERE token = $token', {
        bind: { token },
      });
    },
  };
}
