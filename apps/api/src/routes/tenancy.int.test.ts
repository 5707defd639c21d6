import request from 'supertest';
import { createApiKey, ensureTenant, findPlan, listAtoms, listTasks } from '@mge/db';
import { ADMIN_TOKEN, startTestFleet, type TestFleet } from '@test/fleet';
import { threeFilePlan } from '@test/plans';
import { waitFor } from '@test/services';

const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

describe('tenants, roles and usage', () => {
  let fleet: TestFleet;
  let planId: string;
  let taskId: string;
  let atomId: string;
  let outsider: { authorization: string };

  beforeAll(async () => {
    // The sim provider reports token usage (the offline one costs nothing).
    fleet = await startTestFleet({
      MGE_LLM_PROVIDER: 'sim',
      MGE_SIM_FAULT_RATE: '0',
      MGE_SIM_LATENCY_MS: '0',
    });
    const other = await ensureTenant(fleet.resources.db, 'outsider');
    outsider = { authorization: `Bearer ${await createApiKey(fleet.resources.db, other.id)}` };
    const res = await request(fleet.app).post('/api/v2/plans').set(admin).send(threeFilePlan());
    planId = res.body.id;
    await waitFor(async () => {
      const plan = await findPlan(fleet.resources.db, planId);
      return plan?.status === 'completed' ? plan : undefined;
    }, 'the plan to complete');
    taskId = (await listTasks(fleet.resources.db, planId))[0]!.id;
    atomId = (await listAtoms(fleet.resources.db, planId))[0]!.id;
  }, 60_000);
  afterAll(() => fleet?.stop());

  describe('GET /api/v2/atom/:id/attempts for an atom accepted at once', () => {
    it('shows its one attempt as the model answered it, with what the call cost', async () => {
      const res = await request(fleet.app).get(`/api/v2/atom/${atomId}/attempts`).set(admin);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ atomId, status: 'validated', codeBy: 'model', reviews: [] });
      expect(res.body.attempts).toEqual([
        expect.objectContaining({
          attempt: 1,
          outcome: 'accepted',
          error: null,
          answer: res.body.code,
          usage: expect.objectContaining({ calls: 1, simulated: true }),
        }),
      ]);
      expect(res.body.attempts[0].usage.tokens).toBeGreaterThan(0);
    });
  });

  describe('when another tenant names this tenant’s plan, task or atom', () => {
    it('answers 404 on every plan-scoped endpoint and never shows the data', async () => {
      const calls = [
        request(fleet.app).get(`/api/v2/plans/${planId}`),
        request(fleet.app).post(`/api/v2/plans/${planId}/cancel`),
        request(fleet.app).post(`/api/v2/plans/${planId}/pause`),
        request(fleet.app).post(`/api/v2/plans/${planId}/resume`).send({}),
        request(fleet.app).post('/api/v2/execute/wave').send({ planId, wave: 0 }),
        request(fleet.app).post(`/api/v2/atomize/plan/${planId}`),
        request(fleet.app).post(`/api/v2/atomize/task/${taskId}`),
        request(fleet.app).get(`/api/v2/atoms/${planId}`),
        request(fleet.app).get(`/api/v2/atom/${atomId}`),
        request(fleet.app).get(`/api/v2/atom/${atomId}/attempts`),
        request(fleet.app).get(`/api/v2/dependency-graph/${planId}`),
        request(fleet.app).get(`/api/v2/dependency-graph/${planId}.svg`),
        request(fleet.app).get(`/api/v2/execution-waves/${planId}`),
        request(fleet.app).post('/api/v2/validate/hierarchical').send({ planId }),
        request(fleet.app).get(`/api/v2/review-queue/${planId}`),
        request(fleet.app).post(`/api/v2/review/${atomId}`).send({ action: 'approve' }),
      ];
      for (const [i, call] of calls.entries()) {
        const res = await call.set(outsider);
        // The index names the failing call in the diff.
        expect({ call: i, status: res.status }).toEqual({ call: i, status: 404 });
        expect(Object.keys(res.body)).toEqual(['error']);
        expect(JSON.stringify(res.body)).not.toContain('three-files');
      }
      expect((await findPlan(fleet.resources.db, planId))?.status).toBe('completed');
    });
  });

  describe('when a member key calls an admin-only endpoint', () => {
    it('answers 403', async () => {
      const res = await request(fleet.app).get('/admin/queues').set(outsider);
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    });
  });

  describe('GET /api/v2/usage', () => {
    it('reports the caller’s tenant’s calls, tokens, dollars and plans', async () => {
      const res = await request(fleet.app).get('/api/v2/usage').set(admin);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        tenantId: fleet.tenantId,
        period: { from: null, to: null },
        plans: 1,
        plansByStatus: { completed: 1 },
      });
      expect(res.body.calls).toBeGreaterThan(0);
      expect(res.body.inputTokens).toBeGreaterThan(0);
      expect(res.body.dollars).toBeGreaterThan(0);
      expect(res.body.simulatedCalls).toBe(res.body.calls);
    });

    it('counts nothing of other tenants', async () => {
      const res = await request(fleet.app).get('/api/v2/usage').set(outsider);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ calls: 0, inputTokens: 0, dollars: 0, plans: 0 });
    });

    it('narrows to a period', async () => {
      const res = await request(fleet.app)
        .get('/api/v2/usage?from=2000-01-01T00:00:00Z&to=2000-02-01T00:00:00Z')
        .set(admin);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        calls: 0,
        plans: 0,
        period: { from: '2000-01-01T00:00:00.000Z', to: '2000-02-01T00:00:00.000Z' },
      });
    });

    it('answers 400 for a malformed or empty period and 401 without a key', async () => {
      for (const query of ['from=yesterday', 'from=2001-01-01T00:00:00Z&to=2000-01-01T00:00:00Z']) {
        const res = await request(fleet.app).get(`/api/v2/usage?${query}`).set(admin);
        expect(res.status).toBe(400);
        expect(res.body.error.code).toBe('invalid_input');
      }
      expect((await request(fleet.app).get('/api/v2/usage')).status).toBe(401);
      expect(
        (await request(fleet.app).get('/api/v2/usage').set('authorization', 'Bearer wrong')).status,
      ).toBe(401);
    });
  });
});
