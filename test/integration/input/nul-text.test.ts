/**
 * PostgreSQL text cannot hold a NUL character, and Sequelize's escaping turned one into the two
 * characters `\0`: what was stored was not what was sent. Every stored text field refuses NUL with
 * the surface's own validation error, on both engines.
 */
import { expect } from 'chai';
import request from 'supertest';
import { QueryTypes } from 'sequelize';
import { createLegacyUser, uniqueEmail } from '../../helpers/factories.js';
import { useTestApp } from '../../helpers/test-deps.js';

describe('stored text refuses a NUL character', () => {
  const t = useTestApp();

  const registered = async (email: string) =>
    t.deps.sequelize.query(`SELECT 1 FROM users WHERE email = :email`, {
      type: QueryTypes.SELECT,
      replacements: { email },
    });

  for (const prefix of ['/auth', '/fu_auth/legacy']) {
    it(`when ${prefix}/register gets a full_name with NUL, then 422 on full_name and no account`, async () => {
      const email = uniqueEmail('nul-name');
      const res = await request(t.app)
        .post(`${prefix}/register`)
        .send({ email, password: 'long-enough-1', full_name: 'Ann\u0000Lee' });
      expect(res.status).to.equal(422);
      expect(res.body).to.deep.equal({
        error: 'validation_failed',
        fields: { full_name: 'invalid' },
      });
      expect(await registered(email)).to.have.length(0);
    });
  }

  it('when a contact is created or updated with NUL in any text field, then 422 on that field and nothing stored', async () => {
    const user = await createLegacyUser(t.deps.sequelize);
    const agent = request.agent(t.app);
    await agent
      .post('/auth/login')
      .send({ email: user.email, password: user.password })
      .expect(200);
    for (const field of ['name', 'phone', 'company', 'notes']) {
      const res = await agent.post('/api/contacts').send({ name: 'Ok', [field]: 'a\u0000b' });
      expect(res.status, field).to.equal(422);
      expect(res.body, field).to.deep.equal({
        error: 'validation_failed',
        fields: { [field]: 'invalid' },
      });
    }
    const { body } = await agent.post('/api/contacts').send({ name: 'Kept' }).expect(201);
    const put = await agent
      .put(`/api/contacts/${body.contact.id}`)
      .send({ name: 'Kept', notes: 'x\u0000' });
    expect(put.status).to.equal(422);
    expect(put.body.fields).to.deep.equal({ notes: 'invalid' });
    const stored = await t.deps.sequelize.query<{ n: string }>(
      `SELECT count(*) AS n FROM contacts WHERE owner_id = :id AND (name LIKE '%\\\\0%' OR notes LIKE '%\\\\0%' OR phone LIKE '%\\\\0%' OR company LIKE '%\\\\0%')`,
      { type: QueryTypes.SELECT, replacements: { id: user.id } },
    );
    expect(Number(stored[0]!.n)).to.equal(0);
  });
});
