import { expect } from 'chai';
import type { RequestListener } from 'node:http';
import { QueryTypes } from 'sequelize';
import request from 'supertest';
import { createApp } from '../../../src/app.js';
import { runUsersCommand } from '../../../src/cli/users-command.js';
import type { AppDeps } from '../../../src/deps.js';
import type { Phase1Database } from '../../helpers/consolidation.js';
import { createLegacyUser, uniqueEmail, type LegacyUserFixture } from '../../helpers/factories.js';
import { createFuUser, outboxFor, tokenIn } from '../../helpers/fu-auth.js';
import { phase2Database } from '../../helpers/phase2-database.js';
import {
  CLOSED,
  CREDENTIAL_KINDS,
  ENDABLE_KINDS,
  mintCredential,
  OPEN,
  opens,
  type CredentialKind,
  type Headers,
} from '../../helpers/sessions.js';
import { buildTestDeps } from '../../helpers/test-deps.js';

type Sessions = Record<CredentialKind, Headers>;

/**
 * Credential changes end other sessions (docs/engines.md, "Sessions across engines"): a password change or
 * reset, an e-mail change, a deactivation or a deletion, on either engine or the CLI, ends every
 * other session of that person on both engines (legacy sessions, facade sessions, database
 * tokens); the session that made the change stays; JWTs live until `exp`; a rehash on login is
 * not a credential change. Run in phase 1 (`fu_users`) and phase 2 (consolidated `users`).
 */
for (const phase of ['phase 1 (fu_users)', 'phase 2 (consolidated users)'] as const) {
  describe(`credential changes end other sessions: ${phase}`, function () {
    this.timeout(60_000);
    let db: Phase1Database | undefined;
    let deps: AppDeps;
    let app: RequestListener;
    before(async () => {
      if (phase.startsWith('phase 2')) db = await phase2Database();
      deps = buildTestDeps(db ? { databaseUrl: db.url } : {});
      await deps.fuAuth.userStore.start();
      app = createApp(deps);
    });
    after(async () => {
      await deps.close();
      await db?.drop();
    });

    const mintAll = async (email: string, password: string): Promise<Sessions> => {
      const all = {} as Sessions;
      for (const kind of CREDENTIAL_KINDS)
        all[kind] = await mintCredential(app, kind, email, password);
      return all;
    };
    /** The others end (the JWT lives on); `kept` still opens a session. */
    async function expectOthersEnded(others: Sessions, kept?: [CredentialKind, Headers]) {
      for (const kind of CREDENTIAL_KINDS)
        expect(await opens(app, kind, others[kind]), kind).to.deep.equal(
          kind === 'bearer JWT' ? OPEN(kind) : CLOSED(kind),
        );
      if (kept) expect(await opens(app, kept[0], kept[1]), 'kept').to.deep.equal(OPEN(kept[0]));
    }
    const count = async (sql: string, id: number) => {
      const [row] = await deps.sequelize.query<{ n: number }>(`SELECT count(*)::int AS n ${sql}`, {
        type: QueryTypes.SELECT,
        replacements: { id, text: String(id) },
      });
      return row!.n;
    };
    /** Session rows of a person, whatever the phase (tokens are found through the legacy id). */
    const rowsOf = async (id: number) => ({
      legacy: await count(`FROM session WHERE sess->'passport'->>'user' = :text`, id),
      facade: await count('FROM fu_facade_sessions WHERE legacy_user_id = :id', id),
      tokens: await count(
        `FROM fu_access_tokens WHERE user_id IN (SELECT id FROM fu_users WHERE legacy_user_id = :id)
            OR user_id::text IN (SELECT to_jsonb(u) ->> 'uuid' FROM users u WHERE u.id = :id)`,
        id,
      ),
    });
    const NONE = { legacy: 0, facade: 0, tokens: 0 };

    for (const [engine, base] of [
      ['legacy engine', '/auth'],
      ['facade', '/fu_auth/legacy'],
    ] as const) {
      for (const changer of ENDABLE_KINDS) {
        it(`when a ${changer} changes the password on the ${engine}, then every other session ends on both engines and the ${changer} stays`, async () => {
          const u = await createLegacyUser(deps.sequelize);
          const mine = await mintCredential(app, changer, u.email, u.password);
          const others = await mintAll(u.email, u.password);
          await request(app)
            .post(`${base}/change-password`)
            .set(mine)
            .send({ current_password: u.password, new_password: 'changed-pass-1' })
            .expect(204);
          await expectOthersEnded(others, [changer, mine]);
        });
      }
    }

    it('when the password is reset with /fu_auth/reset-password, then every session ends', async () => {
      const u = await createLegacyUser(deps.sequelize);
      const others = await mintAll(u.email, u.password);
      await request(app).post('/fu_auth/forgot-password').send({ email: u.email }).expect(202);
      const token = tokenIn((await outboxFor(deps, u.email)).at(-1));
      await request(app)
        .post('/fu_auth/reset-password')
        .send({ token, password: 'reset-pass-123' })
        .expect(200);
      await expectOthersEnded(others);
    });

    for (const [what, body] of [
      ['password', () => ({ password: 'patched-pass-1' })],
      ['e-mail', () => ({ email: uniqueEmail('moved') })],
    ] as const) {
      for (const changer of ['fastapiusersauth cookie', 'bearer JWT'] as const) {
        it(`when a ${changer} changes the ${what} with PATCH /fu_auth/users/me, then every other session ends and the ${changer} stays`, async () => {
          const u = await createLegacyUser(deps.sequelize);
          const mine = await mintCredential(app, changer, u.email, u.password);
          const others = await mintAll(u.email, u.password);
          await request(app).patch('/fu_auth/users/me').set(mine).send(body()).expect(200);
          await expectOthersEnded(others, [changer, mine]);
        });
      }

      it(`when a superuser changes a user's ${what} with PATCH /fu_auth/users/{id}, then every session of that user ends and the superuser's stays`, async () => {
        const admin = await createFuUser(deps, { superuser: true });
        const adminSession = await mintCredential(
          app,
          'fastapiusersauth cookie',
          admin.email,
          admin.password,
        );
        const u = await createLegacyUser(deps.sequelize);
        const others = await mintAll(u.email, u.password);
        const target = await deps.fuAuth.deps.store().getByLegacyId(u.id);
        await request(app)
          .patch(`/fu_auth/users/${target!.id}`)
          .set(adminSession)
          .send(body())
          .expect(200);
        await expectOthersEnded(others, ['fastapiusersauth cookie', adminSession]);
      });
    }

    const deactivations: [string, (u: LegacyUserFixture) => Promise<void>][] = [
      [
        'a superuser sets is_active=false with PATCH /fu_auth/users/{id}',
        async (u) => {
          const admin = await createFuUser(deps, { superuser: true });
          const session = await mintCredential(app, 'bearer JWT', admin.email, admin.password);
          const target = await deps.fuAuth.deps.store().getByLegacyId(u.id);
          await request(app)
            .patch(`/fu_auth/users/${target!.id}`)
            .set(session)
            .send({ is_active: false })
            .expect(200);
        },
      ],
      [
        'a superuser deletes the user with DELETE /fu_auth/users/{id}',
        async (u) => {
          const admin = await createFuUser(deps, { superuser: true });
          const session = await mintCredential(app, 'bearer JWT', admin.email, admin.password);
          const target = await deps.fuAuth.deps.store().getByLegacyId(u.id);
          await request(app).delete(`/fu_auth/users/${target!.id}`).set(session).expect(204);
        },
      ],
      [
        'an operator runs `npm run users -- deactivate`',
        async (u) => {
          expect(await runUsersCommand(deps, ['deactivate', u.email], () => undefined)).to.equal(0);
        },
      ],
    ];
    for (const [when, act] of deactivations) {
      it(`when ${when}, then every session row of that user is gone on both engines`, async () => {
        const u = await createLegacyUser(deps.sequelize);
        const others = await mintAll(u.email, u.password);
        expect(await rowsOf(u.id)).to.deep.equal({ legacy: 1, facade: 1, tokens: 1 });
        await act(u);
        expect(await rowsOf(u.id)).to.deep.equal(NONE);
        for (const kind of CREDENTIAL_KINDS)
          expect(await opens(app, kind, others[kind]), kind).to.deep.equal(CLOSED(kind));
      });
    }

    it('when a login on the new engine rehashes a bcrypt hash to argon2id, then no session ends', async () => {
      const u = await createLegacyUser(deps.sequelize);
      const sessions = await mintAll(u.email, u.password);
      // The hash a legacy password change leaves for the new engine: bcrypt, rehashed on login.
      await deps.sequelize.query(
        phase.startsWith('phase 1')
          ? 'UPDATE fu_users SET hashed_password = (SELECT hashed_password FROM users WHERE id = :id) WHERE legacy_user_id = :id'
          : 'UPDATE users SET fu_hashed_password = NULL WHERE id = :id',
        { replacements: { id: u.id } },
      );
      expect((await deps.fuAuth.deps.store().getByLegacyId(u.id))!.hashedPassword).to.match(
        /^\$2b\$/,
      );
      await mintCredential(app, 'bearer JWT', u.email, u.password);
      expect((await deps.fuAuth.deps.store().getByLegacyId(u.id))!.hashedPassword).to.match(
        /^\$argon2id\$/,
      );
      for (const kind of CREDENTIAL_KINDS)
        expect(await opens(app, kind, sessions[kind]), kind).to.deep.equal(OPEN(kind));
    });

    it('when SQL calls authshift_end_sessions(id, keep), then every session of that user ends except the kept ones', async () => {
      const u = await createLegacyUser(deps.sequelize);
      const sessions = await mintAll(u.email, u.password);
      const facadeToken = sessions['facade session'].cookie!.slice('crm.sid=fu.'.length);
      const [row] = await deps.sequelize.query<{ ended: number }>(
        'SELECT authshift_end_sessions(:id, ARRAY[:keep]::text[]) AS ended',
        { type: QueryTypes.SELECT, replacements: { id: u.id, keep: [facadeToken] } },
      );
      expect(row!.ended).to.equal(2);
      expect(await rowsOf(u.id)).to.deep.equal({ legacy: 0, facade: 1, tokens: 0 });
      expect(await opens(app, 'facade session', sessions['facade session'])).to.deep.equal(
        OPEN('facade session'),
      );
      await deps.sequelize.query('SELECT authshift_end_sessions(:id)', {
        replacements: { id: u.id },
      });
      expect(await rowsOf(u.id)).to.deep.equal(NONE);
    });
  });
}
