import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import type { CarriedCredentials } from './carried-credentials.js';

/** Whose sessions: the legacy id (every kind of session hangs off it) and, failing that, the UUID. */
export interface SessionOwner {
  legacyUserId: number | null;
  /** The new-engine UUID, for a user made outside this engine (no legacy id). */
  id?: string;
}

export type SessionEnder = ReturnType<typeof createSessionEnder>;

const KEEP = 'ARRAY(SELECT jsonb_array_elements_text(CAST($keep AS jsonb)))';
const BY_LEGACY_ID = `SELECT authshift_end_sessions($id, ${KEEP}) AS ended`;
// Only tokens can belong to a user without a legacy id: the other sessions hang off that id.
const TOKENS_BY_UUID = `WITH gone AS (DELETE FROM fu_access_tokens
    WHERE user_id = CAST($id AS uuid) AND token <> ALL (${KEEP}) RETURNING 1)
  SELECT count(*)::int AS ended FROM gone`;

/**
 * The one way sessions end, on both engines at once: SQL's `authshift_end_sessions` (migration
 * 2026.05.10), which works in phase 1 and phase 2 and which ops can call from SQL too. Every
 * credential change calls `endOtherSessions` inside its own transaction, so the change and the
 * end of the sessions commit together.
 */
export function createSessionEnder(sequelize: Sequelize) {
  return {
    /** Ends every session of `owner` except the ids and tokens in `keep`; returns how many. */
    async endOtherSessions(
      owner: SessionOwner,
      keep: readonly string[],
      transaction?: Transaction,
    ): Promise<number> {
      const id = owner.legacyUserId ?? owner.id;
      if (id === undefined) return 0;
      const [row] = await sequelize.query<{ ended: number }>(
        owner.legacyUserId !== null ? BY_LEGACY_ID : TOKENS_BY_UUID,
        {
          bind: { id, keep: JSON.stringify(keep) },
          transaction,
          type: QueryTypes.SELECT,
        },
      );
      return row?.ended ?? 0;
    },

    /** A logout: the facade session and the database token the request carries end. */
    async endCarriedTokens(carried: CarriedCredentials): Promise<void> {
      if (carried.facadeToken)
        await sequelize.query('DELETE FROM fu_facade_sessions WHERE token = $token', {
          bind: { token: carried.facadeToken },
        });
      if (carried.accessToken)
        await sequelize.query('DELETE FROM fu_access_tokens WHERE token = $token', {
          bind: { token: carried.accessToken },
        });
    },
  };
}
