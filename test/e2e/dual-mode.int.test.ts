import request from 'supertest';
import { ADMIN_TOKEN, startTestFleet, type TestFleet } from '@test/fleet';
import { threeFilePlan } from '@test/plans';
import { planIn, SETTLED } from '@test/plan-status';

const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };

describe('dual mode: the same plan in mvp and v2 mode', () => {
  let fleet: TestFleet;

  beforeAll(async () => {
    // SIMULATED LLM: answers with the drafts, with a fault on some first attempts.
    fleet = await startTestFleet({
      MGE_LLM_PROVIDER: 'sim',
      MGE_SIM_LATENCY_MS: '5-20',
      MGE_SIM_FAULT_RATE: '0.3',
    });
  }, 30_000);
  afterAll(() => fleet?.stop());

  it('completes in both modes, and the stats endpoint reports both side by side', async () => {
    const submit = (mode: 'mvp' | 'v2') =>
      request(fleet.app)
        .post('/api/v2/plans')
        .set(auth)
        .send({ ...threeFilePlan(`same-plan-${mode}`), mode });
    const [mvp, v2] = await Promise.all([submit('mvp'), submit('v2')]);
    expect(mvp.status).toBe(202);
    expect(mvp.body).toMatchObject({ mode: 'mvp', modeDecidedBy: 'plan', status: 'generating' });
    expect(v2.body).toMatchObject({ mode: 'v2', modeDecidedBy: 'plan', status: 'atomizing' });

    const [mvpPlan, v2Plan] = await Promise.all(
      [mvp.body.id as string, v2.body.id as string].map((id) =>
        planIn(fleet.resources.db, id, SETTLED),
      ),
    );
    expect([mvpPlan!.status, mvpPlan!.error]).toEqual(['completed', null]);
    expect([v2Plan!.status, v2Plan!.error]).toEqual(['completed', null]);

    // MVP: one unit per task and the same L2-L4 gate as v2 passed.
    const view = await request(fleet.app).get(`/api/v1/masterplan/${mvpPlan!.id}`).set(auth);
    expect(view.body).toMatchObject({
      mode: 'mvp',
      status: 'completed',
      progress: { atomize: { total: 0 }, generate: { done: 3, failed: 0, total: 3 } },
    });
    const tasks = view.body.tasks as { status: string }[];
    expect(tasks.map((t) => t.status)).toEqual(['generated', 'generated', 'generated']);

    const stats = await request(fleet.app).get('/api/v2/mode/stats').set(auth);
    expect(stats.status).toBe(200);
    expect(stats.body).toMatchObject({ scope: 'all-tenants', simulated: true });
    for (const mode of ['mvp', 'v2'] as const) {
      const figures = stats.body.modes[mode];
      expect(figures).toMatchObject({
        plans: 1,
        completed: 1,
        failed: 0,
        successRate: 1,
        simulatedPlans: 1,
      });
      expect(figures.medianDurationMs).toBeGreaterThan(0);
      expect(figures.meanDurationMs).toBe(figures.medianDurationMs);
      expect(figures.dollars).toBeGreaterThan(0);
      expect(figures.tokensPerPlan).toBe(figures.tokens);
    }
  }, 60_000);
});
