import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * The environment of a benchmark fleet: the SIMULATED `sim` provider with the given latency,
 * faults and seed, a fresh queue prefix, no plan budget, no reconciler timer.
 */
export function simulatedFleetEnv(sim: {
  latencyMs: string;
  faultRate: string;
  seed: string;
  prefix: string;
}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    MGE_LLM_PROVIDER: 'sim',
    MGE_SIM_LATENCY_MS: sim.latencyMs,
    MGE_SIM_FAULT_RATE: sim.faultRate,
    MGE_SIM_SEED: sim.seed,
    MGE_QUEUE_PREFIX: `${sim.prefix}-${randomUUID().slice(0, 8)}`,
    MGE_PLAN_BUDGET_DOLLARS: '0',
    MGE_OUTPUT_DIR: path.join(tmpdir(), 'mge-bench-output'),
    MGE_RECONCILE_INTERVAL_MS: '0',
  };
}
