import request from 'supertest';
import { ADMIN_TOKEN, startTestFleet, type TestFleet } from '@test/fleet';

const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

describe('API keys for machines, managed by admins', () => {
  let fleet: TestFleet;
  beforeAll(async () => {
    fleet = await startTestFleet();
  }, 30_000);
  afterAll(() => fleet?.stop());

  it('creates a key shown once that authenticates, lists it by prefix, and revokes it at once', async () => {
    const created = await request(fleet.app)
      .post('/api/v2/api-keys')
      .set(admin)
      .send({ role: 'member' });
    expect(created.status).toBe(201);
    const { id, key, prefix } = created.body as { id: string; key: string; prefix: string };
    expect(key.startsWith(prefix)).toBe(true);
    expect((await request(fleet.app).get('/api/v2/plans').set(bearer(key))).status).toBe(200);
    // A member key is not an admin: it cannot manage keys.
    expect((await request(fleet.app).get('/api/v2/api-keys').set(bearer(key))).status).toBe(403);

    const listed = await request(fleet.app).get('/api/v2/api-keys').set(admin);
    expect(listed.body.keys).toContainEqual({
      id,
      prefix,
      role: 'member',
      createdAt: expect.any(String),
      revokedAt: null,
    });
    expect(JSON.stringify(listed.body)).not.toContain(key);

    const revoked = await request(fleet.app).delete(`/api/v2/api-keys/${id}`).set(admin);
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).toEqual(expect.any(String));
    const refused = await request(fleet.app).get('/api/v2/plans').set(bearer(key));
    expect(refused.status).toBe(401);
    // Revoking again keeps the first revocation time.
    const again = await request(fleet.app).delete(`/api/v2/api-keys/${id}`).set(admin);
    expect(again.body.revokedAt).toBe(revoked.body.revokedAt);
  });

  it('answers 400 naming the role when it is not admin or member', async () => {
    const res = await request(fleet.app).post('/api/v2/api-keys').set(admin).send({ role: 'root' });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/role/);
  });

  it('creates admin keys that may manage keys', async () => {
    const res = await request(fleet.app)
      .post('/api/v2/api-keys')
      .set(admin)
      .send({ role: 'admin' });
    expect(
      (await request(fleet.app).get('/api/v2/api-keys').set(bearer(res.body.key))).status,
    ).toBe(200);
  });
});
