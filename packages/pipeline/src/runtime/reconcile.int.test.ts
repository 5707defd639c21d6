import { findPlan } from '@mge/db';
import { startTestFleet, type TestFleet } from '@test/fleet';
import { threeFilePlan } from '@test/plans';
import { waitFor } from '@test/services';
import { reconcile } from './reconcile.js';
import { submitPlan } from '../commands/submit.js';

describe('reconcile', () => {
  let fleet: TestFleet;

  beforeAll(async () => {
    fleet = await startTestFleet({}, ['atomizer']);
  }, 30_000);
  afterAll(() => fleet?.stop());

  describe('when Redis loses every queued job mid-plan', () => {
    it('re-enqueues from Postgres alone and the plan completes', async () => {
      const { resources } = fleet;
      const { planId } = await submitPlan(resources, fleet.tenantId, threeFilePlan());
      // Only atomizers run: the plan stops at `graphing` with its graph job waiting in Redis.
      await waitFor(
        async () =>
          (await findPlan(resources.db, planId))?.status === 'graphing' ? true : undefined,
        'graphing',
      );
      expect(await resources.queues.graph.count()).toBe(1);

      for (const queue of Object.values(resources.queues)) await queue.obliterate({ force: true });
      expect(await resources.queues.graph.count()).toBe(0);

      fleet.startRoles(['graph-builder', 'executor', 'validator']);
      expect(await reconcile(resources)).toEqual({ plans: 1, jobs: 1 });
      const plan = await waitFor(async () => {
        const p = await findPlan(resources.db, planId);
        return p?.status === 'completed' ? p : undefined;
      }, 'the plan to complete');
      expect(plan.outputDir).toBeTruthy();
      expect(await reconcile(resources)).toEqual({ plans: 0, jobs: 0 });
    }, 30_000);
  });
});
