import request from 'supertest';
import { findPlan } from '@mge/db';
import { ADMIN_TOKEN, startTestFleet, type TestFleet } from '@test/fleet';
import { threeFilePlan } from '@test/plans';
import { planIn, SETTLED } from '@test/plan-status';

const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };

describe('a plan over its budget pauses, and resume with a larger budget completes it', () => {
  let fleet: TestFleet;

  beforeAll(async () => {
    // SIMULATED LLM: answers with the drafts, so every cent spent is a sim price.
    fleet = await startTestFleet({ MGE_LLM_PROVIDER: 'sim', MGE_SIM_LATENCY_MS: '5-20' });
  }, 30_000);
  afterAll(() => fleet?.stop());

  it.each(['v2', 'mvp'] as const)(
    'in %s mode',
    async (mode) => {
      const submitted = await request(fleet.app)
        .post('/api/v2/plans')
        .set(auth)
        .send({ ...threeFilePlan(`budget-${mode}`), mode, budget: { tokens: 300 } });
      expect(submitted.status).toBe(202);
      const planId = submitted.body.id as string;

      const paused = await planIn(fleet.resources.db, planId, ['paused', ...SETTLED]);
      expect(paused.status).toBe('paused');
      expect(paused.error).toMatch(/^budget: .*raise the budget and resume/);
      // Calls already in flight when the budget runs out still land, so `spent` may pass the cap.

      const resumed = await request(fleet.app)
        .post(`/api/v2/plans/${planId}/resume`)
        .set(auth)
        .send({ budget: { tokens: 1_000_000 } });
      expect(resumed.status).toBe(200);
      const done = await planIn(fleet.resources.db, planId, SETTLED);
      expect([done.status, done.error]).toEqual(['completed', null]);
      expect((await findPlan(fleet.resources.db, planId))!.spentTokens).toBeGreaterThan(300);
    },
    60_000,
  );
});
