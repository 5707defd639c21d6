import { randomUUID } from 'node:crypto';
import { PLAN_MODES, TERMINAL_PLAN_STATUSES } from '@mge/core';
import { ensureTenant, findPlan, modeStats } from '@mge/db';
import { syntheticPlan } from '@mge/bench';
import { submitPlan } from '@mge/pipeline';
import { DEFAULT_TENANT } from '@mge/api';
import { startFleet } from '../fleet.js';
import { simulatedFleetEnv } from './sim-env.js';
import { print, printError } from '../output.js';

export interface BenchModesOptions {
  json?: boolean;
  plans: string;
  functions: string;
  latencyMs: string;
  faultRate: string;
  seed: string;
}

/**
 * `mge bench-modes`: the same generated plans run in `mvp` (task level) and `v2` (atom level) mode
 * on one in-process fleet with the SIMULATED `sim` provider; prints `GET /api/v2/mode/stats`'s
 * figures for both, side by side.
 */
export async function benchModesCommand(options: BenchModesOptions): Promise<number> {
  const plans = Number(options.plans);
  const functions = Number(options.functions);
  const seed = Number(options.seed);
  if (!(plans > 0) || !(functions > 0) || !Number.isInteger(seed)) {
    await printError(
      'mge bench-modes: --plans and --functions must be positive, --seed an integer\n',
    );
    return 2;
  }
  const fleet = await startFleet({
    env: simulatedFleetEnv({ ...options, prefix: 'bench-modes' }),
    ephemeralDatabase: true,
    defaultLogLevel: 'warn',
  });
  try {
    const { db } = fleet.resources;
    const tenant = await ensureTenant(db, DEFAULT_TENANT);
    // A unique description keeps earlier runs' cached answers out of this run.
    const run = randomUUID();
    const ids = await Promise.all(
      PLAN_MODES.flatMap((mode) =>
        Array.from({ length: plans }, async (_, i) => {
          const plan = {
            ...syntheticPlan({ functions, seed: seed + i }),
            description: `bench ${run} ${i}`,
            mode,
          };
          return (await submitPlan(fleet.resources, tenant.id, plan)).planId;
        }),
      ),
    );
    let settled = 0;
    while (settled < ids.length) {
      await new Promise((r) => setTimeout(r, 500));
      const statuses = await Promise.all(ids.map(async (id) => (await findPlan(db, id))?.status));
      const now = statuses.filter((s) => s && TERMINAL_PLAN_STATUSES.includes(s)).length;
      if (now !== settled && !options.json)
        await printError(`${now}/${ids.length} plans settled\n`);
      settled = now;
    }
    const result = {
      label:
        'SIMULATED: sim LLM provider (seeded latency and faults); queue, Redis and database work are real',
      plansPerMode: plans,
      functionsPerPlan: functions,
      latencyMs: options.latencyMs,
      faultRate: Number(options.faultRate),
      modes: await modeStats(db, tenant.id),
    };
    await print(`${JSON.stringify(result, null, options.json ? 0 : 2)}\n`);
    return 0;
  } finally {
    await Promise.all(
      Object.values(fleet.resources.queues).map((q) =>
        q.obliterate({ force: true }).catch(() => undefined),
      ),
    );
    await fleet.stop();
  }
}
