import type { Sequelize } from 'sequelize';
import { defineContact } from './contact.js';
import { defineLegacyUser } from './legacy-user.js';

export type Models = ReturnType<typeof initModels>;

/** Defines every model on one Sequelize instance. Tables come from migrations, never sync(). */
export function initModels(sequelize: Sequelize) {
  return {
    LegacyUser: defineLegacyUser(sequelize),
    Contact: defineContact(sequelize),
  };
}
