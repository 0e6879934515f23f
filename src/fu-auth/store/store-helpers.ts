import { QueryTypes, UniqueConstraintError, type Sequelize, type Transaction } from 'sequelize';
import { EmailConflictError, type FuUser } from './user-store.js';

/** Both stores' unique e-mail indexes mean the same thing to callers: the e-mail is taken. */
export async function guardEmail<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof UniqueConstraintError) throw new EmailConflictError(error);
    throw error;
  }
}

/** `SELECT <columns> FROM <table> WHERE … LIMIT 1`, mapped to a FuUser: each store's one read path. */
export function createUserSelect<Row extends object>(
  sequelize: Sequelize,
  from: string,
  toFuUser: (row: Row) => FuUser,
) {
  return async function select(
    where: string,
    replacements: Record<string, unknown>,
    transaction?: Transaction,
  ): Promise<FuUser | null> {
    const [row] = await sequelize.query<Row>(`SELECT ${from} WHERE ${where} LIMIT 1`, {
      replacements,
      transaction,
      type: QueryTypes.SELECT,
    });
    return row ? toFuUser(row) : null;
  };
}
