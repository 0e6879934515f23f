/**
 * A restore leaves both engines agreeing. Accounts imported into the new
 * engine after the snapshot (a promotion, a deactivation) get what their restored legacy twin says.
 */
import { expect } from 'chai';
import request from 'supertest';
import { runUsersCommand } from '../../../src/cli/users-command.js';
import { runPreflight } from '../../../src/cutover/preflight.js';
import { createSnapshotService } from '../../../src/snapshot/snapshot-service.js';
import { createLegacyUser } from '../../helpers/factories.js';
import { jwtLogin } from '../../helpers/fu-auth.js';
import { seededPhase1, type SeededPhase1 } from '../../helpers/phase1-data.js';

describe('snapshot restore: both engines agree afterwards', function () {
  this.timeout(60_000);
  let fixture: SeededPhase1;
  beforeEach(async () => {
    fixture = await seededPhase1();
  });
  afterEach(() => fixture.close());

  it('when a user promoted and another deactivated after the snapshot are restored, then both engines see them as the snapshot did and preflight finds no disagreement', async () => {
    const { db, app, deps } = fixture;
    const promoted = await createLegacyUser(db.sequelize);
    const deactivated = await createLegacyUser(db.sequelize);
    await createSnapshotService(db.sequelize).create('before-changes');
    const out: string[] = [];
    expect(await runUsersCommand(deps, ['promote', promoted.email], (l) => out.push(l))).to.equal(
      0,
    );
    expect(
      await runUsersCommand(deps, ['deactivate', deactivated.email], (l) => out.push(l)),
    ).to.equal(0);

    const report = await createSnapshotService(db.sequelize).restore('before-changes');
    expect(report.twinsAligned).to.equal(2);
    expect(report.twinsDisagreeing).to.equal(0);

    const legacy = await request(app)
      .post('/auth/login')
      .send({ email: promoted.email, password: promoted.password });
    expect(legacy.status).to.equal(200);
    expect(legacy.body.user.role).to.equal('user');
    const token = await jwtLogin(app, promoted.email, promoted.password);
    const me = await request(app).get('/fu_auth/users/me').set('authorization', `Bearer ${token}`);
    expect(me.body.is_superuser).to.equal(false);

    expect(
      (
        await request(app)
          .post('/auth/login')
          .send({ email: deactivated.email, password: deactivated.password })
      ).status,
    ).to.equal(200);
    await jwtLogin(app, deactivated.email, deactivated.password);

    const preflight = await runPreflight(db.sequelize, { migrations: [], consolidation: [] });
    expect(preflight.twinDisagreements).to.deep.equal([]);
  });
});
