import request from 'supertest';
import { createApiKey, ensureTenant } from '@mge/db';
import { ADMIN_TOKEN, startTestFleet, type TestFleet } from '@test/fleet';
import { threeFilePlan } from '@test/plans';
import { planIn, SETTLED } from '@test/plan-status';

const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
const UNKNOWN = '00000000-0000-4000-8000-000000000000';

describe('GET/POST /api/v2/mode and GET /api/v2/mode/stats', () => {
  let fleet: TestFleet;
  let member: { authorization: string };
  let outsiderTenant: string;
  let outsider: { authorization: string };

  beforeAll(async () => {
    fleet = await startTestFleet();
    member = { authorization: `Bearer ${await createApiKey(fleet.resources.db, fleet.tenantId)}` };
    outsiderTenant = (await ensureTenant(fleet.resources.db, 'mode-outsider')).id;
    outsider = {
      authorization: `Bearer ${await createApiKey(fleet.resources.db, outsiderTenant)}`,
    };
  }, 30_000);
  afterAll(() => fleet?.stop());
  // Every test starts from the defaults: v2, no rollout, no tenant override.
  afterEach(async () => {
    await request(fleet.app)
      .post('/api/v2/mode')
      .set(admin)
      .send({ defaultMode: 'v2', rolloutPercent: null, tenant: { id: outsiderTenant, mode: null } })
      .expect(200);
  });

  const setMode = (body: object, key: Record<string, string> = admin) =>
    request(fleet.app).post('/api/v2/mode').set(key).send(body);
  const submit = (key: Record<string, string>, extra: object = {}) =>
    request(fleet.app)
      .post('/api/v2/plans')
      .set(key)
      .send({ ...threeFilePlan('mode-plan'), ...extra });

  describe('when an admin changes the setting', () => {
    it('answers the whole setting, and new plans follow it', async () => {
      expect((await request(fleet.app).get('/api/v2/mode').set(member)).body).toEqual({
        defaultMode: 'v2',
        rolloutPercent: null,
        tenantOverride: null,
      });
      const res = await setMode({ defaultMode: 'mvp' });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ defaultMode: 'mvp', rolloutPercent: null });
      const plan = await submit(member);
      expect(plan.body).toMatchObject({ mode: 'mvp', modeDecidedBy: 'default' });
      expect((await planIn(fleet.resources.db, plan.body.id, SETTLED)).status).toBe('completed');
    }, 30_000);

    it('draws each plan into the rollout; a plan override still wins', async () => {
      expect((await setMode({ rolloutPercent: 100 })).body).toEqual({
        defaultMode: 'v2',
        rolloutPercent: 100,
      });
      expect((await submit(member)).body).toMatchObject({ mode: 'v2', modeDecidedBy: 'rollout' });
      await setMode({ rolloutPercent: 0 });
      expect((await submit(member)).body).toMatchObject({ mode: 'mvp', modeDecidedBy: 'rollout' });
      expect((await submit(member, { mode: 'v2' })).body).toMatchObject({
        mode: 'v2',
        modeDecidedBy: 'plan',
      });
    });

    it('sets and clears a tenant override, which beats the rollout for that tenant only', async () => {
      const res = await setMode({
        rolloutPercent: 100,
        tenant: { id: outsiderTenant, mode: 'mvp' },
      });
      expect(res.body).toEqual({
        defaultMode: 'v2',
        rolloutPercent: 100,
        tenant: { id: outsiderTenant, mode: 'mvp' },
      });
      expect((await request(fleet.app).get('/api/v2/mode').set(outsider)).body).toMatchObject({
        tenantOverride: 'mvp',
      });
      expect((await submit(outsider)).body).toMatchObject({ mode: 'mvp', modeDecidedBy: 'tenant' });
      expect((await submit(member)).body).toMatchObject({ mode: 'v2', modeDecidedBy: 'rollout' });
      await setMode({ tenant: { id: outsiderTenant, mode: null } });
      expect((await submit(outsider)).body).toMatchObject({ mode: 'v2', modeDecidedBy: 'rollout' });
    });

    it('lists every tenant with its override, plans and spending (GET /api/v2/tenants)', async () => {
      await setMode({ tenant: { id: outsiderTenant, mode: 'mvp' } });
      await submit(outsider);
      const res = await request(fleet.app).get('/api/v2/tenants').set(admin).expect(200);
      const rows = (
        res.body as { items: { id: string; modeOverride: string | null; plans: number }[] }
      ).items;
      const outsiderRow = rows.find((t) => t.id === outsiderTenant);
      expect(outsiderRow).toMatchObject({ name: 'mode-outsider', modeOverride: 'mvp' });
      expect(outsiderRow!.plans).toBeGreaterThanOrEqual(1);
      expect(rows.find((t) => t.id === fleet.tenantId)).toMatchObject({ modeOverride: null });
      // Members see no tenant list: the fleet's tenants are for its admins.
      await request(fleet.app).get('/api/v2/tenants').set(member).expect(403);
    });
  });

  describe('when the request is malformed or not allowed', () => {
    it.each([
      ['an empty body', {}],
      ['a percentage above 100', { rolloutPercent: 150 }],
      ['an unknown mode', { defaultMode: 'v3' }],
      ['an unknown field', { percent: 10 }],
      ['a tenant id that is not a UUID', { tenant: { id: 'acme', mode: 'mvp' } }],
    ])('answers 400 invalid_input to %s', async (_what, body) => {
      const res = await setMode(body);
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'invalid_input' });
    });

    it('answers 404 for an unknown tenant and changes nothing', async () => {
      const res = await setMode({ defaultMode: 'mvp', tenant: { id: UNKNOWN, mode: 'mvp' } });
      expect(res.status).toBe(404);
      expect((await request(fleet.app).get('/api/v2/mode').set(admin)).body.defaultMode).toBe('v2');
    });

    it('answers 403 to a member key on POST', async () => {
      const res = await setMode({ defaultMode: 'mvp' }, member);
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    });

    it('answers 401 without a key and with a wrong one', async () => {
      const keys: Record<string, string>[] = [{}, { authorization: 'Bearer wrong-key' }];
      for (const key of keys) {
        for (const res of [
          await request(fleet.app).get('/api/v2/mode').set(key),
          await request(fleet.app).get('/api/v2/mode/stats').set(key),
          await setMode({ defaultMode: 'mvp' }, key),
        ]) {
          expect(res.status).toBe(401);
          expect(res.body.error.code).toBe('unauthorized');
        }
      }
    });
  });

  describe('GET /api/v2/mode/stats', () => {
    it('shows a member its own tenant’s plans only, and an admin every tenant’s', async () => {
      type Figures = { plans: number; successRate: number | null };
      type Stats = { scope: string; modes: { mvp: Figures; v2: Figures } };
      const stats = async (key: Record<string, string>): Promise<Stats> =>
        (await request(fleet.app).get('/api/v2/mode/stats').set(key)).body as Stats;
      const [ownBefore, allBefore] = [await stats(outsider), await stats(admin)];
      const mine = await submit(member, { mode: 'mvp' });
      const theirs = await submit(outsider, { mode: 'mvp' });
      await planIn(fleet.resources.db, mine.body.id, SETTLED);
      await planIn(fleet.resources.db, theirs.body.id, SETTLED);

      const own = await stats(outsider);
      expect(own).toMatchObject({ scope: 'tenant', tenantId: outsiderTenant, simulated: false });
      expect(own.modes.mvp.plans).toBe(ownBefore.modes.mvp.plans + 1);
      expect(own.modes.mvp.successRate).toBe(1);
      const all = await stats(admin);
      expect(all.scope).toBe('all-tenants');
      expect(all.modes.mvp.plans).toBe(allBefore.modes.mvp.plans + 2);
      expect(all.modes.v2.plans).toBeGreaterThan(own.modes.v2.plans);
    }, 30_000);
  });
});
