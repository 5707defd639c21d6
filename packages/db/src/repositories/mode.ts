import { and, eq, ne, sql } from 'drizzle-orm';
import type { ModeSettings, PlanMode } from '@mge/core';
import type { Db } from '../client.js';
import { masterplans, modeSettings, tenants } from '../schema/index.js';

/** No settings row yet: v2 for every plan. */
const DEFAULT_SETTINGS: ModeSettings = { defaultMode: 'v2', rolloutPercent: null };

export async function getModeSettings(db: Db): Promise<ModeSettings> {
  const [row] = await db.select().from(modeSettings).where(eq(modeSettings.id, 1));
  return row
    ? { defaultMode: row.defaultMode, rolloutPercent: row.rolloutPercent }
    : DEFAULT_SETTINGS;
}

/** Changes the fields given (a null rollout removes it) and returns the whole setting. */
export async function updateModeSettings(
  db: Db,
  change: Partial<ModeSettings>,
  updatedBy: string,
): Promise<ModeSettings> {
  const set = { ...change, updatedBy, updatedAt: new Date() };
  await db
    .insert(modeSettings)
    .values({ id: 1, ...DEFAULT_SETTINGS, ...set })
    .onConflictDoUpdate({ target: modeSettings.id, set });
  return getModeSettings(db);
}

/** Sets or (null) clears a tenant's mode override; false when there is no such tenant. */
export async function setTenantModeOverride(
  db: Db,
  tenantId: string,
  mode: PlanMode | null,
): Promise<boolean> {
  const rows = await db
    .update(tenants)
    .set({ modeOverride: mode })
    .where(eq(tenants.id, tenantId))
    .returning({ id: tenants.id });
  return rows.length > 0;
}

export async function getTenantModeOverride(db: Db, tenantId: string): Promise<PlanMode | null> {
  const [row] = await db
    .select({ mode: tenants.modeOverride })
    .from(tenants)
    .where(eq(tenants.id, tenantId));
  return row?.mode ?? null;
}

/** One mode's figures over the plans that were started (queued plans are not counted). */
export interface ModeFigures {
  plans: number;
  completed: number;
  failed: number;
  needsReview: number;
  cancelled: number;
  /** Still running. */
  active: number;
  /** completed / (completed + failed + needs_review); null before any plan finished. */
  successRate: number | null;
  /** From start to completion, over completed plans. */
  medianDurationMs: number | null;
  meanDurationMs: number | null;
  dollars: number;
  tokens: number;
  dollarsPerPlan: number | null;
  tokensPerPlan: number | null;
  /** Plans with at least one call from the `sim` provider: their time and cost are simulated. */
  simulatedPlans: number;
}

/** Per-mode outcome, time and cost of started plans; one tenant's, or every tenant's when absent. */
export async function modeStats(db: Db, tenantId?: string): Promise<Record<PlanMode, ModeFigures>> {
  const duration = sql`extract(epoch from ${masterplans.completedAt} - coalesce(${masterplans.startedAt}, ${masterplans.createdAt})) * 1000`;
  const completed = sql`${masterplans.status} = 'completed'`;
  const rows = await db
    .select({
      mode: masterplans.mode,
      plans: sql<number>`count(*)::int`,
      completed: sql<number>`count(*) filter (where ${completed})::int`,
      failed: sql<number>`count(*) filter (where ${masterplans.status} = 'failed')::int`,
      needsReview: sql<number>`count(*) filter (where ${masterplans.status} = 'needs_review')::int`,
      cancelled: sql<number>`count(*) filter (where ${masterplans.status} = 'cancelled')::int`,
      median: sql<
        string | null
      >`percentile_cont(0.5) within group (order by ${duration}) filter (where ${completed})`,
      mean: sql<string | null>`avg(${duration}) filter (where ${completed})`,
      dollars: sql<string>`coalesce(sum(${masterplans.spentDollars}), 0)`,
      tokens: sql<string>`coalesce(sum(${masterplans.spentTokens}), 0)`,
      // Spelled out: drizzle leaves columns unqualified, which a correlated subquery cannot afford.
      simulatedPlans: sql<number>`count(*) filter (where exists (select 1 from "usage_events" u where u."plan_id" = "masterplans"."id" and u."simulated"))::int`,
    })
    .from(masterplans)
    .where(
      and(
        ne(masterplans.status, 'queued'),
        tenantId ? eq(masterplans.tenantId, tenantId) : undefined,
      ),
    )
    .groupBy(masterplans.mode);
  const figures = (mode: PlanMode): ModeFigures => {
    const row = rows.find((r) => r.mode === mode);
    const plans = row?.plans ?? 0;
    const done = (row?.completed ?? 0) + (row?.failed ?? 0) + (row?.needsReview ?? 0);
    const dollars = Number(row?.dollars ?? 0);
    const tokens = Number(row?.tokens ?? 0);
    const ms = (v: string | null | undefined) => (v == null ? null : Math.round(Number(v)));
    return {
      plans,
      completed: row?.completed ?? 0,
      failed: row?.failed ?? 0,
      needsReview: row?.needsReview ?? 0,
      cancelled: row?.cancelled ?? 0,
      active: plans - done - (row?.cancelled ?? 0),
      successRate: done === 0 ? null : (row?.completed ?? 0) / done,
      medianDurationMs: ms(row?.median),
      meanDurationMs: ms(row?.mean),
      dollars,
      tokens,
      dollarsPerPlan: plans === 0 ? null : dollars / plans,
      tokensPerPlan: plans === 0 ? null : tokens / plans,
      simulatedPlans: row?.simulatedPlans ?? 0,
    };
  };
  return { mvp: figures('mvp'), v2: figures('v2') };
}
