import { randomUUID } from 'node:crypto';
import { TERMINAL_PLAN_STATUSES } from '@mge/core';
import { countAtomsByStatus, ensureTenant, findPlan } from '@mge/db';
import { runFigures, syntheticPlan } from '@mge/bench';
import { cancelPlan, submitPlan, type Resources } from '@mge/pipeline';
import { closeAll } from '@mge/queue';
import { startFleet } from '../fleet.js';
import { simulatedFleetEnv } from './sim-env.js';
import { print, printError } from '../output.js';

export interface SmallBehindLargeOptions {
  /** Functions of the large plan (tenant "bench-large"), none calling another: all ready at once. */
  largeFunctions: number;
  /** Functions of the small plan (tenant "bench-small"). */
  smallFunctions: number;
  /** How long after the large plan starts generating the small one is submitted. */
  delayMs: number;
  seed: number;
}

export interface SmallBehindLarge {
  /** The small plan alone on the fleet: submit -> completed. */
  smallAloneMs: number;
  /** The same small plan submitted while the large one generates: submit -> completed. */
  smallBehindLargeMs: number;
  ratio: number;
  /** Generation phase only (first atom ready -> last settled), alone and behind. */
  generationAloneMs: number;
  generationBehindLargeMs: number;
  generationRatio: number;
  smallStatus: string;
  largeAtoms: number;
  /** Atoms of the large plan not yet settled when the small one completed. */
  largeAtomsOpenWhenSmallDone: number;
}

/**
 * One tenant's large plan, then another tenant's small plan a little later: how much longer the
 * small plan takes than alone on the same fleet. The large plan is cancelled once the small one
 * has finished. Used by `mge bench-fairness` and the fairness test.
 */
export async function smallBehindLarge(
  r: Resources,
  options: SmallBehindLargeOptions,
): Promise<SmallBehindLarge> {
  const large = await ensureTenant(r.db, 'bench-large');
  const small = await ensureTenant(r.db, 'bench-small');
  const run = randomUUID();
  // Unique descriptions keep cached answers of one plan out of the next (each pays its calls).
  const plan = (functions: number, seed: number, label: string, independent = false) => ({
    ...syntheticPlan({ functions, seed, independent }),
    description: `fairness ${run} ${label}`,
  });
  const smallPlan = async (label: string) => {
    const started = Date.now();
    const { planId } = await submitPlan(
      r,
      small.id,
      plan(options.smallFunctions, options.seed + 1, label),
    );
    const status = await untilTerminal(r, planId);
    return { planId, ms: Date.now() - started, status };
  };

  // The first plan on a fresh process pays for warming up (compilers, caches): not measured.
  await smallPlan('warm-up');
  const alone = await smallPlan('alone');
  const { planId: largeId } = await submitPlan(
    r,
    large.id,
    // Every atom of the large plan is ready at once: it floods the queue.
    plan(options.largeFunctions, options.seed, 'large', true),
  );
  await until(async () => (await findPlan(r.db, largeId))?.status === 'generating');
  await new Promise((resolve) => setTimeout(resolve, options.delayMs));
  const behind = await smallPlan('behind');
  const counts = await countAtomsByStatus(r.db, largeId);
  const largeAtoms = Object.values(counts).reduce((a, b) => a + (b ?? 0), 0);
  const open = largeAtoms - (counts.validated ?? 0) - (counts.failed ?? 0) - (counts.blocked ?? 0);
  await cancelPlan(r, largeId, large.id).catch(() => undefined);
  const [aloneFigures, behindFigures] = await Promise.all([
    runFigures(r.db, alone.planId),
    runFigures(r.db, behind.planId),
  ]);
  const round = (n: number) => Math.round(n * 100) / 100;
  return {
    smallAloneMs: alone.ms,
    smallBehindLargeMs: behind.ms,
    ratio: round(behind.ms / alone.ms),
    generationAloneMs: aloneFigures.makespanMs,
    generationBehindLargeMs: behindFigures.makespanMs,
    generationRatio: round(behindFigures.makespanMs / Math.max(1, aloneFigures.makespanMs)),
    smallStatus: alone.status === 'completed' ? behind.status : alone.status,
    largeAtoms,
    largeAtomsOpenWhenSmallDone: open,
  };
}

async function until(probe: () => Promise<boolean>): Promise<void> {
  while (!(await probe())) await new Promise((resolve) => setTimeout(resolve, 50));
}

async function untilTerminal(r: Resources, planId: string): Promise<string> {
  let status = '';
  await until(async () => {
    status = (await findPlan(r.db, planId))?.status ?? 'missing';
    return status === 'missing' || (TERMINAL_PLAN_STATUSES as readonly string[]).includes(status);
  });
  return status;
}

export interface BenchFairnessOptions {
  json?: boolean;
  large: string;
  small: string;
  delayMs: string;
  latencyMs: string;
  concurrency: string;
  tenantMaxInFlight: string;
  maxWaiting: string;
  seed: string;
}

/**
 * `mge bench-fairness`: the small-behind-large scenario on the real fleet (Redis, the database,
 * the executor) with the SIMULATED `sim` provider, once with fair scheduling and once without,
 * printing both ratios.
 */
export async function benchFairnessCommand(options: BenchFairnessOptions): Promise<number> {
  const numbers = {
    largeFunctions: Number(options.large),
    smallFunctions: Number(options.small),
    delayMs: Number(options.delayMs),
    seed: Number(options.seed),
  };
  const concurrency = Number(options.concurrency);
  if (
    !(numbers.largeFunctions > 0 && numbers.smallFunctions > 0 && concurrency > 0) ||
    !(numbers.delayMs >= 0) ||
    !Number.isInteger(numbers.seed)
  ) {
    await printError(
      'mge bench-fairness: --large, --small and --concurrency must be positive, --delay-ms >= 0\n',
    );
    return 2;
  }
  const runs: Record<string, SmallBehindLarge> = {};
  for (const fair of [true, false]) {
    const fleet = await startFleet({
      env: {
        ...simulatedFleetEnv({ ...options, faultRate: '0', prefix: 'bench-fair' }),
        MGE_GENERATE_CONCURRENCY: String(concurrency),
        MGE_FAIR_SCHEDULING: String(fair),
        MGE_TENANT_MAX_IN_FLIGHT: options.tenantMaxInFlight,
        MGE_FAIR_MAX_WAITING: options.maxWaiting,
      },
      ephemeralDatabase: true,
      defaultLogLevel: 'warn',
    });
    try {
      runs[fair ? 'fair' : 'fifo'] = await smallBehindLarge(fleet.resources, numbers);
    } finally {
      // Roles first (nothing runs while the queues are emptied), then the queues and backlogs.
      const { resources } = fleet;
      await closeAll(fleet.closables, resources.logger, 5_000);
      await Promise.all(
        Object.values(resources.queues).map((q) =>
          q.obliterate({ force: true }).catch(() => undefined),
        ),
      );
      for (const queue of resources.fair?.queues ?? []) await resources.fair?.clear(queue);
      await fleet.release();
    }
  }
  const result = {
    label:
      'SIMULATED: sim LLM provider (seeded latency, no faults); queue, Redis and database work are real',
    latencyMs: options.latencyMs,
    concurrency,
    tenantMaxInFlight: Number(options.tenantMaxInFlight),
    maxWaiting: Number(options.maxWaiting),
    ...numbers,
    withFairness: runs.fair,
    withoutFairness: runs.fifo,
  };
  await print(
    options.json ? `${JSON.stringify(result)}\n` : `${JSON.stringify(result, null, 2)}\n`,
  );
  return runs.fair?.smallStatus === 'completed' && runs.fair.ratio <= 2 ? 0 : 1;
}
