import { createHash } from 'node:crypto';
import type { PlanMode } from './domain.js';

/** Attempts per task in MVP mode: the first answer and one retry with the error as feedback. */
export const MVP_MAX_ATTEMPTS = 2;

/** The fleet-wide setting that `POST /api/v2/mode` changes. */
export interface ModeSettings {
  /** The mode of plans that no override or rollout decides. */
  defaultMode: PlanMode;
  /**
   * Share of plans (0-100) that run in `v2`, the rest in `mvp`, drawn per plan; null: no
   * rollout, the default mode applies.
   */
  rolloutPercent: number | null;
}

export interface ModeChoice {
  mode: PlanMode;
  /** Which rule decided, in precedence order. */
  decidedBy: 'plan' | 'tenant' | 'rollout' | 'default';
}

/**
 * A number in [0, 100) that depends only on the tenant and plan ids: the plan's place in a
 * rollout. Stable across processes and releases, so a plan never flips mode.
 */
export function rolloutDraw(tenantId: string, planId: string): number {
  const digest = createHash('sha256').update(`${tenantId}:${planId}`).digest();
  return (digest.readUInt32BE(0) / 2 ** 32) * 100;
}

/** Plan override > tenant override > rollout percentage > default. */
export function resolvePlanMode(input: {
  tenantId: string;
  planId: string;
  planOverride?: PlanMode | null | undefined;
  tenantOverride?: PlanMode | null | undefined;
  settings: ModeSettings;
}): ModeChoice {
  if (input.planOverride) return { mode: input.planOverride, decidedBy: 'plan' };
  if (input.tenantOverride) return { mode: input.tenantOverride, decidedBy: 'tenant' };
  const { rolloutPercent, defaultMode } = input.settings;
  if (rolloutPercent !== null) {
    const inV2 = rolloutDraw(input.tenantId, input.planId) < rolloutPercent;
    return { mode: inV2 ? 'v2' : 'mvp', decidedBy: 'rollout' };
  }
  return { mode: defaultMode, decidedBy: 'default' };
}
