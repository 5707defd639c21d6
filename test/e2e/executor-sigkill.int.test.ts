import { countAtomsByStatus, findPlan, listAtoms, listPlanUsage } from '@mge/db';
import { syntheticPlan } from '@mge/bench';
import { submitPlan } from '@mge/pipeline';
import { startFleetWithExecutorProcesses, type SplitFleet } from '@test/fleet';
import { waitFor } from '@test/services';

describe('when an executor process is killed with SIGKILL mid-run', () => {
  let fleet: SplitFleet;

  beforeAll(async () => {
    fleet = await startFleetWithExecutorProcesses(
      { MGE_LLM_PROVIDER: 'sim', MGE_JOB_LOCK_MS: '2000' },
      {
        MGE_LLM_PROVIDER: 'sim',
        MGE_SIM_LATENCY_MS: '100-300',
        MGE_SIM_FAULT_RATE: '0.1',
        MGE_GENERATE_CONCURRENCY: '16',
        MGE_JOB_LOCK_MS: '2000',
      },
    );
  }, 30_000);
  afterAll(async () => {
    await fleet?.stop();
  });

  it('completes with every atom validated and no attempt paid twice', async () => {
    const { db } = fleet.resources;
    const victim = fleet.spawnExecutor();
    fleet.spawnExecutor();
    const { planId } = await submitPlan(fleet.resources, fleet.tenantId, {
      ...syntheticPlan({ functions: 200, seed: 3 }),
      description: `sigkill ${Date.now()}`,
    });

    // Kill once generation is well under way, with calls in flight.
    await waitFor(async () => {
      const counts = await countAtomsByStatus(db, planId);
      return (counts.validated ?? 0) >= 15 && (counts.running ?? 0) > 0 ? true : undefined;
    }, 'generation to be under way');
    victim.kill('SIGKILL');
    fleet.spawnExecutor();

    const plan = await waitFor(
      async () => {
        const p = await findPlan(db, planId);
        return p && ['completed', 'failed', 'needs_review'].includes(p.status) ? p : undefined;
      },
      'the plan to finish',
      150_000,
    );
    expect(victim.signalCode).toBe('SIGKILL');

    const atoms = await listAtoms(db, planId);
    const usage = await listPlanUsage(db, planId);
    expect(atoms.length).toBeGreaterThan(100);
    expect(atoms.filter((a) => a.status !== 'validated')).toEqual([]);
    expect(plan.status).toBe('completed');
    // Every paid call is a usage row: one per (atom, attempt) means none was paid twice.
    const calls = new Map<string, number>();
    for (const u of usage)
      calls.set(`${u.atomId}:${u.attempt}`, (calls.get(`${u.atomId}:${u.attempt}`) ?? 0) + 1);
    expect([...calls.values()].filter((n) => n > 1)).toEqual([]);
    // And every attempt an atom used was paid exactly once (retries included).
    expect(usage.length).toBe(atoms.reduce((sum, a) => sum + a.attempt, 0));
    expect(usage.every((u) => u.simulated)).toBe(true);
  }, 200_000);
});
