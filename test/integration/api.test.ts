import { expect } from 'chai';
import request from 'supertest';
import { createLegacyUser, type LegacyUserFixture } from '../helpers/factories.js';
import { useTestApp } from '../helpers/test-deps.js';

describe('/api (contacts and admin)', () => {
  const t = useTestApp();

  async function loggedIn(
    options: { role?: string } = {},
  ): Promise<{ agent: ReturnType<typeof request.agent>; user: LegacyUserFixture }> {
    const user = await createLegacyUser(t.deps.sequelize, options);
    const agent = request.agent(t.app);
    await agent
      .post('/auth/login')
      .send({ email: user.email, password: user.password })
      .expect(200);
    return { agent, user };
  }

  it('when nobody is logged in, then every /api route answers 401 not_authenticated', async () => {
    const calls = [
      request(t.app).get('/api/contacts'),
      request(t.app).post('/api/contacts').send({ name: 'x' }),
      request(t.app).get('/api/contacts/1'),
      request(t.app).put('/api/contacts/1').send({ name: 'x' }),
      request(t.app).delete('/api/contacts/1'),
      request(t.app).get('/api/admin/users'),
    ];
    for (const res of await Promise.all(calls)) {
      expect(res.status).to.equal(401);
      expect(res.body).to.deep.equal({ error: 'not_authenticated' });
    }
  });

  it('when a contact belongs to someone else, then it is 404 for reading, updating and deleting, and stays intact', async () => {
    const owner = await loggedIn();
    const other = await loggedIn();
    const { body } = await owner.agent.post('/api/contacts').send({ name: 'Private' }).expect(201);
    const id = body.contact.id as number;
    for (const res of [
      await other.agent.get(`/api/contacts/${id}`),
      await other.agent.put(`/api/contacts/${id}`).send({ name: 'Hijacked' }),
      await other.agent.delete(`/api/contacts/${id}`),
    ]) {
      expect(res.status).to.equal(404);
      expect(res.body).to.deep.equal({ error: 'not_found' });
    }
    expect((await other.agent.get('/api/contacts')).body.contacts).to.deep.equal([]);
    expect((await owner.agent.get(`/api/contacts/${id}`)).body.contact.name).to.equal('Private');
  });

  it('when the caller is an admin, then they see and can edit every contact', async () => {
    const owner = await loggedIn();
    const admin = await loggedIn({ role: 'admin' });
    const { body } = await owner.agent
      .post('/api/contacts')
      .send({ name: 'Visible to admins' })
      .expect(201);
    const list = await admin.agent.get('/api/contacts');
    expect(list.body.contacts.map((c: { id: number }) => c.id)).to.include(body.contact.id);
    const updated = await admin.agent
      .put(`/api/contacts/${body.contact.id}`)
      .send({ name: 'Edited by admin' });
    expect(updated.status).to.equal(200);
    expect(updated.body.contact.owner_id).to.equal(owner.user.id);
  });

  const invalidBodies: [string, unknown, Record<string, string>][] = [
    ['the name is missing', { email: 'a@example.com' }, { name: 'required' }],
    ['the name is blank', { name: '   ' }, { name: 'required' }],
    ['the e-mail is malformed', { name: 'A', email: 'nope' }, { email: 'invalid_email' }],
    ['the phone is too long', { name: 'A', phone: '1'.repeat(65) }, { phone: 'too_long' }],
    ['a field has the wrong type', { name: 'A', notes: 42 }, { notes: 'invalid' }],
    ['the body is not an object', [1, 2], { body: 'invalid' }],
  ];
  for (const [when, body, fields] of invalidBodies) {
    it(`when ${when}, then 422 validation_failed and nothing is stored`, async () => {
      const { agent } = await loggedIn();
      const res = await agent.post('/api/contacts').send(body as object);
      expect(res.status).to.equal(422);
      expect(res.body).to.deep.equal({ error: 'validation_failed', fields });
      expect((await agent.get('/api/contacts')).body.contacts).to.deep.equal([]);
    });
  }

  it('when the id is not a number or out of range, then 404 not_found (never 500)', async () => {
    const { agent } = await loggedIn();
    for (const id of ['abc', '0', '-1', '1.5', '99999999999']) {
      const res = await agent.get(`/api/contacts/${id}`);
      expect(res.status, id).to.equal(404);
      expect(res.body).to.deep.equal({ error: 'not_found' });
    }
  });

  it('when an admin pages through users, then limit and offset apply and total counts everyone', async () => {
    const { agent } = await loggedIn({ role: 'admin' });
    const first = await agent.get('/api/admin/users?limit=3&offset=0').expect(200);
    const second = await agent.get('/api/admin/users?limit=3&offset=3').expect(200);
    expect(first.body.users).to.have.length(3);
    expect(first.body.total).to.equal(second.body.total);
    const ids = [...first.body.users, ...second.body.users].map((u: { id: number }) => u.id);
    expect(ids).to.deep.equal([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).to.equal(ids.length);
  });

  it('when the paging query is invalid, then 422 names the parameter', async () => {
    const { agent } = await loggedIn({ role: 'admin' });
    const res = await agent.get('/api/admin/users?limit=0&offset=-1');
    expect(res.status).to.equal(422);
    expect(res.body).to.deep.equal({
      error: 'validation_failed',
      fields: { limit: 'invalid', offset: 'invalid' },
    });
  });

  it('when a non-admin sends an invalid paging query, then 403 comes before 422', async () => {
    const { agent } = await loggedIn();
    const res = await agent.get('/api/admin/users?limit=zero');
    expect(res.status).to.equal(403);
  });
});
