import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';

class LegacyUserRow extends Model<
  InferAttributes<LegacyUserRow>,
  InferCreationAttributes<LegacyUserRow>
> {
  declare id: CreationOptional<number>;
  declare email: string;
  declare full_name: string | null;
  declare hashed_password: string | null;
  declare is_active: CreationOptional<number | boolean>;
  declare role: CreationOptional<string>;
  declare email_confirmed_at: Date | null;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
  declare last_login_at: Date | null;
}

export type LegacyUserModel = typeof LegacyUserRow;

/**
 * The legacy `users` row. Models are defined per Sequelize instance (a subclass each time), so two
 * apps in one process (tests, restarts) never share a binding.
 */
export function defineLegacyUser(sequelize: Sequelize): LegacyUserModel {
  class LegacyUser extends LegacyUserRow {}
  return LegacyUser.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      email: { type: DataTypes.STRING(255), allowNull: false },
      full_name: { type: DataTypes.STRING(255), allowNull: true },
      hashed_password: { type: DataTypes.STRING(255), allowNull: true },
      // SMALLINT 1/0 in phase 0, BOOLEAN after consolidation: writers leave it to the column default
      // or write it with SQL that fits both types, readers normalise it (allowNull only skips
      // Sequelize's own check; the column stays NOT NULL).
      is_active: { type: DataTypes.SMALLINT, allowNull: true },
      role: { type: DataTypes.STRING(32), allowNull: false },
      email_confirmed_at: { type: DataTypes.DATE, allowNull: true },
      created_at: { type: DataTypes.DATE, allowNull: false },
      updated_at: { type: DataTypes.DATE, allowNull: false },
      last_login_at: { type: DataTypes.DATE, allowNull: true },
    },
    { sequelize, tableName: 'users', modelName: 'LegacyUser' },
  );
}
