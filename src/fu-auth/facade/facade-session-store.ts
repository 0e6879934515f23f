import { QueryTypes, type Sequelize } from 'sequelize';
import { randomToken } from '../../lib/random.js';

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
      const [row] = await sequelize.query<{ legacy_user_id: number }>(
        'SELECT legacy_user_id FROM fu_facade_sessions WHERE token = $token AND expires_at > $now',
        { bind: { token, now }, type: QueryTypes.SELECT },
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
