import { smallBehindLarge, type SmallBehindLarge } from '@mge/cli';
import { startTestFleet } from '@test/fleet';

/**
 * One tenant floods the `generate` queue with a plan whose atoms are all ready at once; another
 * tenant submits a small plan a moment later. SIMULATED LLM (`sim` provider, no faults); Redis,
 * Postgres, BullMQ and the executor are real.
 */
describe('fair sharing between tenants', () => {
  const scenario = { largeFunctions: 300, smallFunctions: 12, delayMs: 500, seed: 3 };

  async function run(fair: boolean): Promise<SmallBehindLarge> {
    const fleet = await startTestFleet({
      MGE_LLM_PROVIDER: 'sim',
      MGE_SIM_LATENCY_MS: '400-800',
      MGE_SIM_FAULT_RATE: '0',
      MGE_PLAN_BUDGET_DOLLARS: '0',
      MGE_GENERATE_CONCURRENCY: '16',
      MGE_FAIR_SCHEDULING: String(fair),
      MGE_FAIR_MAX_WAITING: '16',
    });
    try {
      return await smallBehindLarge(fleet.resources, scenario);
    } finally {
      await fleet.stop();
    }
  }

  it('a small plan behind a large one finishes while the large one still has most of its work; without fair scheduling it waits behind it', async () => {
    const fair = await run(true);
    const fifo = await run(false);
    process.stderr.write(
      `fair scheduling (SIMULATED sim provider): large atoms open when the small plan completed ` +
        `${fair.largeAtomsOpenWhenSmallDone}/${fair.largeAtoms}, generation ${fair.generationRatio}x, ` +
        `end to end ${fair.ratio}x; without: ${fifo.largeAtomsOpenWhenSmallDone}/${fifo.largeAtoms}, ` +
        `generation ${fifo.generationRatio}x, end to end ${fifo.ratio}x\n`,
    );
    expect(fair.smallStatus).toBe('completed');
    expect(fifo.smallStatus).toBe('completed');
    // Counted in atoms, not timed: with fairness the small plan finished while the large plan
    // still had many of its atoms to go; without, only once the large plan's flood had drained.
    // Its time behind the large plan as a multiple of its time alone is printed, not asserted:
    // here it shares two cores with the rest of CI (it has measured 2.44 for the fair run and 3.9
    // for FIFO under that load, 1.13 and 3.7 alone). The 2x goal is measured where nothing else
    // runs, by `mge bench-fairness` (docs/benchmarks.md).
    expect(fair.largeAtomsOpenWhenSmallDone).toBeGreaterThan(fair.largeAtoms / 4);
    expect(fifo.largeAtomsOpenWhenSmallDone).toBeLessThan(fifo.largeAtoms / 4);
  }, 240_000);
});
