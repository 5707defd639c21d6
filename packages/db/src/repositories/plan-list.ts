import { and, desc, eq, sql } from 'drizzle-orm';
import type { PlanMode, PlanStatus } from '@mge/core';
import type { Db } from '../client.js';
import { masterplans, usageEvents, type Masterplan } from '../schema/index.js';

/**
 * What a plan list shows of each plan: no input document; its mode and what it spent
 * (`simulated`: some of its calls went to the `sim` provider, so the figures are simulated).
 */
export type PlanListEntry = Pick<
  Masterplan,
  | 'id'
  | 'name'
  | 'language'
  | 'mode'
  | 'status'
  | 'error'
  | 'spentDollars'
  | 'spentTokens'
  | 'createdAt'
  | 'completedAt'
> & { simulated: boolean };

/**
 * A page of the tenant's plans, newest first (created_at, id descending), optionally of one
 * status and one mode; keyset-paginated: `after` is the last plan id of the previous page. The cursor row is
 * compared in SQL so that created_at keeps its microseconds.
 */
export function listPlansForTenant(
  db: Db,
  tenantId: string,
  page: {
    limit: number;
    after?: string | undefined;
    status?: PlanStatus | undefined;
    mode?: PlanMode | undefined;
  },
): Promise<PlanListEntry[]> {
  const { createdAt, id } = masterplans;
  return db
    .select({
      id,
      name: masterplans.name,
      language: masterplans.language,
      mode: masterplans.mode,
      status: masterplans.status,
      error: masterplans.error,
      spentDollars: masterplans.spentDollars,
      spentTokens: masterplans.spentTokens,
      simulated: sql<boolean>`exists (select 1 from ${usageEvents} where ${usageEvents.planId} = ${id} and ${usageEvents.simulated})`,
      createdAt,
      completedAt: masterplans.completedAt,
    })
    .from(masterplans)
    .where(
      and(
        eq(masterplans.tenantId, tenantId),
        page.status ? eq(masterplans.status, page.status) : undefined,
        page.mode ? eq(masterplans.mode, page.mode) : undefined,
        page.after
          ? sql`(${createdAt}, ${id}) < (select p.created_at, p.id from masterplans p where p.id = ${page.after})`
          : undefined,
      ),
    )
    .orderBy(desc(createdAt), desc(id))
    .limit(page.limit);
}
