import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';

/**
 * `oauth_accounts`: the provider accounts linked to users, by user UUID (the same in every phase,
 * so it does not depend on which user store is active). Tokens are stored as fastapi-users
 * stores them, and never logged.
 */
export interface OAuthAccountData {
  oauthName: string;
  accountId: string;
  accountEmail: string;
  accessToken: string;
  expiresAt: number | null;
  refreshToken: string | null;
}

export interface OAuthAccount extends OAuthAccountData {
  id: string;
  userId: string;
}

export type LinkResult = 'linked' | 'updated' | 'taken';

const COLUMNS = `id, user_id AS "userId", oauth_name AS "oauthName", account_id AS "accountId",
  account_email AS "accountEmail", access_token AS "accessToken", expires_at AS "expiresAt",
  refresh_token AS "refreshToken"`;

export function createOAuthAccountStore(sequelize: Sequelize) {
  const select = (sql: string, replacements: Record<string, unknown>, transaction?: Transaction) =>
    sequelize.query<OAuthAccount>(sql, { type: QueryTypes.SELECT, replacements, transaction });

  async function refresh(id: string, data: OAuthAccountData, transaction?: Transaction) {
    await sequelize.query(
      `UPDATE oauth_accounts SET access_token = :accessToken, expires_at = :expiresAt,
              refresh_token = :refreshToken, account_email = :accountEmail WHERE id = :id`,
      { replacements: { ...data, id }, transaction },
    );
  }

  return {
    async find(oauthName: string, accountId: string): Promise<OAuthAccount | null> {
      const [row] = await select(
        `SELECT ${COLUMNS} FROM oauth_accounts WHERE oauth_name = :oauthName AND account_id = :accountId`,
        { oauthName, accountId },
      );
      return row ?? null;
    },

    listForUser: (userId: string): Promise<OAuthAccount[]> =>
      select(`SELECT ${COLUMNS} FROM oauth_accounts WHERE user_id = :userId ORDER BY oauth_name`, {
        userId,
      }),

    /** New tokens for a link that exists (a later sign-in with the same provider account). */
    refresh,

    /**
     * Links the provider account to the user, or refreshes the link the user already has;
     * `taken` when it is linked to someone else (the unique key decides, race-free).
     */
    async link(
      userId: string,
      data: OAuthAccountData,
      transaction?: Transaction,
    ): Promise<LinkResult> {
      const inserted = await sequelize.query(
        `INSERT INTO oauth_accounts (oauth_name, access_token, expires_at, refresh_token,
                account_id, account_email, user_id)
         VALUES (:oauthName, :accessToken, :expiresAt, :refreshToken, :accountId, :accountEmail, :userId)
         ON CONFLICT (oauth_name, account_id) DO NOTHING RETURNING id`,
        { type: QueryTypes.SELECT, replacements: { ...data, userId }, transaction },
      );
      if (inserted.length > 0) return 'linked';
      const [owner] = await select(
        `SELECT ${COLUMNS} FROM oauth_accounts WHERE oauth_name = :oauthName AND account_id = :accountId`,
        { oauthName: data.oauthName, accountId: data.accountId },
        transaction,
      );
      if (!owner || owner.userId !== userId) return 'taken';
      await refresh(owner.id, data, transaction);
      return 'updated';
    },
  };
}

export type OAuthAccountStore = ReturnType<typeof createOAuthAccountStore>;
