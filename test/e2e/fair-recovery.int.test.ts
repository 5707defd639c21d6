import { syntheticPlan } from '@mge/bench';
import { listAtoms, listPlanUsage } from '@mge/db';
import { reconcile, submitPlan } from '@mge/pipeline';
import { startTestFleet, type TestFleet } from '@test/fleet';
import { planIn, SETTLED } from '@test/plan-status';
import { waitFor } from '@test/services';

/**
 * Jobs held back by fair scheduling live in Redis only; Postgres says which atoms are ready. When
 * Redis loses the backlogs and the queue (or the processes holding them die), the reconciler
 * rebuilds them from Postgres. SIMULATED LLM (`sim` provider); Redis, Postgres and BullMQ are real.
 */
describe('when Redis loses the jobs fair scheduling held back', () => {
  let fleet: TestFleet;

  beforeAll(async () => {
    // No executor yet: generate jobs are held (one dispatched, MGE_FAIR_MAX_WAITING=1) and stay so.
    fleet = await startTestFleet(
      {
        MGE_LLM_PROVIDER: 'sim',
        MGE_SIM_LATENCY_MS: '5-20',
        MGE_SIM_FAULT_RATE: '0',
        MGE_PLAN_BUDGET_DOLLARS: '0',
        MGE_FAIR_MAX_WAITING: '1',
      },
      ['atomizer', 'graph-builder', 'validator'],
    );
  }, 30_000);
  afterAll(() => fleet?.stop());

  it('the reconciler re-enqueues them from Postgres and every atom is paid for once', async () => {
    const { resources } = fleet;
    const fair = resources.fair!;
    const plan = { ...syntheticPlan({ functions: 30, seed: 11, independent: true }), name: 'held' };
    const { planId } = await submitPlan(resources, fleet.tenantId, plan);
    await planIn(resources.db, planId, ['generating']);
    // Settled: every ready atom's job is either the one dispatched or held back (jobs are held
    // as their atoms become ready, and one is dispatched a moment later).
    const held = await waitFor(async () => {
      const [n, queued, atoms] = await Promise.all([
        fair.heldTotal('generate'),
        resources.queues.generate.count(),
        listAtoms(resources.db, planId),
      ]);
      const ready = atoms.filter((a) => a.status === 'ready').length;
      return n && queued === 1 && n + queued === ready ? n : undefined;
    }, 'jobs held back');
    expect(held).toBeGreaterThan(20);

    // Redis loses everything about the generate queue: its jobs and the backlogs.
    await resources.queues.generate.obliterate({ force: true });
    await fair.clear('generate');
    expect(await fair.heldTotal('generate')).toBe(0);

    fleet.startRoles(['executor']);
    const { jobs } = await reconcile(resources);
    expect(jobs).toBe(held + 1);
    const done = await planIn(resources.db, planId, SETTLED);
    expect(done.status).toBe('completed');

    const atoms = await listAtoms(resources.db, planId);
    expect(atoms.every((a) => a.status === 'validated' && a.attempt === 1)).toBe(true);
    // Exactly-once effects: one paid call per atom, none twice.
    const usage = await listPlanUsage(resources.db, planId);
    expect(usage.filter((u) => u.atomId).length).toBe(atoms.length);
    expect(new Set(usage.map((u) => u.atomId)).size).toBe(atoms.length);
  }, 60_000);
});
