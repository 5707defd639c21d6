import { and, asc, eq, gte, isNotNull, lt, sql, type Column } from 'drizzle-orm';
import type { Db } from '../client.js';
import { atomicUnits, masterplans, usageEvents } from '../schema/index.js';

export type NewUsageEvent = typeof usageEvents.$inferInsert;

export function listPlanUsage(db: Db, planId: string) {
  return db.select().from(usageEvents).where(eq(usageEvents.planId, planId));
}

/** A plan over time: each LLM call (tokens, dollars) and each atom's settling, oldest first. */
export async function planTimeline(db: Db, planId: string) {
  const [calls, settled] = await Promise.all([
    db
      .select({
        at: usageEvents.createdAt,
        tokens: sql<number>`(${usageEvents.inputTokens} + ${usageEvents.outputTokens})::int`,
        dollars: usageEvents.dollars,
        simulated: usageEvents.simulated,
      })
      .from(usageEvents)
      .where(eq(usageEvents.planId, planId))
      .orderBy(asc(usageEvents.createdAt)),
    db
      .select({ at: atomicUnits.settledAt, status: atomicUnits.status })
      .from(atomicUnits)
      .where(and(eq(atomicUnits.masterplanId, planId), isNotNull(atomicUnits.settledAt)))
      .orderBy(asc(atomicUnits.settledAt)),
  ]);
  return { calls, settled: settled as { at: Date; status: string }[] };
}

/** A tenant's spending over a period: LLM calls, tokens, dollars, and the plans it submitted. */
export interface TenantUsage {
  calls: number;
  simulatedCalls: number;
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  cacheWriteTokens: number;
  dollars: number;
  plans: number;
  plansByStatus: Record<string, number>;
}

function inPeriod(column: Column, period: { from?: Date | undefined; to?: Date | undefined }) {
  return and(
    period.from ? gte(column, period.from) : undefined,
    period.to ? lt(column, period.to) : undefined,
  );
}

/** Sums a tenant's usage events and counts its plans, both within `[from, to)` when given. */
export async function summarizeTenantUsage(
  db: Db,
  tenantId: string,
  period: { from?: Date | undefined; to?: Date | undefined } = {},
): Promise<TenantUsage> {
  const [usage] = await db
    .select({
      calls: sql<number>`count(*)::int`,
      simulatedCalls: sql<number>`count(*) filter (where ${usageEvents.simulated})::int`,
      inputTokens: sql<number>`coalesce(sum(${usageEvents.inputTokens}), 0)::int`,
      outputTokens: sql<number>`coalesce(sum(${usageEvents.outputTokens}), 0)::int`,
      cachedTokens: sql<number>`coalesce(sum(${usageEvents.cachedTokens}), 0)::int`,
      cacheWriteTokens: sql<number>`coalesce(sum(${usageEvents.cacheWriteTokens}), 0)::int`,
      dollars: sql<string>`coalesce(sum(${usageEvents.dollars}), 0)`,
    })
    .from(usageEvents)
    .where(and(eq(usageEvents.tenantId, tenantId), inPeriod(usageEvents.createdAt, period)));
  const plans = await db
    .select({ status: masterplans.status, n: sql<number>`count(*)::int` })
    .from(masterplans)
    .where(and(eq(masterplans.tenantId, tenantId), inPeriod(masterplans.createdAt, period)))
    .groupBy(masterplans.status);
  const plansByStatus = Object.fromEntries(plans.map((p) => [p.status, p.n]));
  return {
    calls: usage?.calls ?? 0,
    simulatedCalls: usage?.simulatedCalls ?? 0,
    inputTokens: usage?.inputTokens ?? 0,
    outputTokens: usage?.outputTokens ?? 0,
    cachedTokens: usage?.cachedTokens ?? 0,
    cacheWriteTokens: usage?.cacheWriteTokens ?? 0,
    dollars: Number(usage?.dollars ?? 0),
    plans: plans.reduce((n, p) => n + p.n, 0),
    plansByStatus,
  };
}
