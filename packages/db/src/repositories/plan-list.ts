import { and, desc, eq, sql } from 'drizzle-orm';
import type { PlanStatus } from '@mge/core';
import type { Db } from '../client.js';
import { masterplans, type Masterplan } from '../schema/index.js';

/** What a plan list shows of each plan: no input document, no counters. */
export type PlanListEntry = Pick<
  Masterplan,
  'id' | 'name' | 'language' | 'status' | 'error' | 'createdAt' | 'completedAt'
>;

/**
 * A page of the tenant's plans, newest first (created_at, id descending), optionally of one
 * status; keyset-paginated: `after` is the last plan id of the previous page. The cursor row is
 * compared in SQL so that created_at keeps its microseconds.
 */
export function listPlansForTenant(
  db: Db,
  tenantId: string,
  page: { limit: number; after?: string | undefined; status?: PlanStatus | undefined },
): Promise<PlanListEntry[]> {
  const { createdAt, id } = masterplans;
  return db
    .select({
      id,
      name: masterplans.name,
      language: masterplans.language,
      status: masterplans.status,
      error: masterplans.error,
      createdAt,
      completedAt: masterplans.completedAt,
    })
    .from(masterplans)
    .where(
      and(
        eq(masterplans.tenantId, tenantId),
        page.status ? eq(masterplans.status, page.status) : undefined,
        page.after
          ? sql`(${createdAt}, ${id}) < (select p.created_at, p.id from masterplans p where p.id = ${page.after})`
          : undefined,
      ),
    )
    .orderBy(desc(createdAt), desc(id))
    .limit(page.limit);
}
