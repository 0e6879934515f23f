import { createSettingsRepository } from '../../src/settings/settings-repository.js';
import { phase1Database, type Phase1Database } from './consolidation.js';

/** A scratch database consolidated (phase 2) with `user_store` = users: what cutover leaves. */
export async function phase2Database(): Promise<Phase1Database> {
  const db = await phase1Database();
  await db.consolidator().up();
  await createSettingsRepository(db.sequelize).writeUserStore('users', 'test');
  return db;
}
