import type { RequestListener } from 'node:http';
import { QueryTypes } from 'sequelize';
import { createApp } from '../../src/app.js';
import type { AppDeps } from '../../src/deps.js';
import { phase1Database, type Phase1Database } from './consolidation.js';
import { createLegacyUser, type LegacyUserFixture } from './factories.js';
import { cookieLogin, createFuUser, jwtLogin, type FuFixture } from './fu-auth.js';
import { buildTestDeps } from './test-deps.js';

export interface Phase1Data {
  legacy: LegacyUserFixture[];
  fu: FuFixture[];
  imported: LegacyUserFixture;
}

/**
 * A phase-1 database as it looks in real life: legacy-only users of every hash format and flag,
 * users registered on the new engine (with their legacy twin), a legacy user lazily imported by a
 * login on the new engine, cookie tokens and contacts.
 */
export async function seedPhase1(deps: AppDeps, app: RequestListener): Promise<Phase1Data> {
  const s = deps.sequelize;
  const legacy = [
    await createLegacyUser(s),
    await createLegacyUser(s, { hash: 'pbkdf2_sha256' }),
    await createLegacyUser(s, { hash: 'none' }),
    await createLegacyUser(s, { hash: 'unknown' }),
    await createLegacyUser(s, { active: false }),
    await createLegacyUser(s, { role: 'admin' }),
  ];
  await s.query(`UPDATE users SET email_confirmed_at = now() - interval '3 days' WHERE id = :id`, {
    replacements: { id: legacy[0]!.id },
  });
  const fu = [
    await createFuUser(deps, { verified: true }),
    await createFuUser(deps, { superuser: true }),
    await createFuUser(deps, { active: false }),
  ];
  const imported = await createLegacyUser(s);
  await jwtLogin(app, imported.email, imported.password);
  await cookieLogin(app, fu[0]!.email, fu[0]!.password);
  await s.query(
    `INSERT INTO contacts (owner_id, name, email) VALUES (:a, 'Ann', 'ann@example.com'), (:b, 'Bob', NULL)`,
    { replacements: { a: legacy[0]!.id, b: fu[0]!.user.legacyUserId } },
  );
  // Bulk legacy rows, so the keyset batches run more than once.
  await s.query(
    `INSERT INTO users (email, hashed_password, is_active, role, email_confirmed_at)
     SELECT format('bulk-%s-%s@example.org', g, md5(random()::text)), NULL,
            CASE WHEN g % 10 = 0 THEN 0 ELSE 1 END, CASE WHEN g % 50 = 0 THEN 'admin' ELSE 'user' END,
            CASE WHEN g % 3 = 0 THEN now() END
       FROM generate_series(1, 240) AS g`,
    { type: QueryTypes.INSERT },
  );
  return { legacy, fu, imported };
}

export interface SeededPhase1 {
  db: Phase1Database;
  deps: AppDeps;
  app: RequestListener;
  data: Phase1Data;
  /** Closes the app's connections first: the database cannot be dropped under them. */
  close(): Promise<void>;
}

/** A scratch phase-1 database seeded with seedPhase1 through an app of its own. */
export async function seededPhase1(): Promise<SeededPhase1> {
  const db = await phase1Database();
  const deps = buildTestDeps({ databaseUrl: db.url });
  const app = createApp(deps);
  const data = await seedPhase1(deps, app);
  return {
    db,
    deps,
    app,
    data,
    async close() {
      await deps.close();
      await db.drop();
    },
  };
}
