import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import {
  atomicUnits,
  masterplans,
  masterplanTasks,
  type AtomicUnit,
  type Masterplan,
  type MasterplanTask,
} from '../schema/index.js';

/** Tenant-scoped reads behind the atomization API: a row of another tenant reads as absent. */

export async function findTaskForTenant(
  db: Db,
  taskId: string,
  tenantId: string,
): Promise<{ task: MasterplanTask; plan: Masterplan } | undefined> {
  const [row] = await db
    .select({ task: masterplanTasks, plan: masterplans })
    .from(masterplanTasks)
    .innerJoin(masterplans, eq(masterplans.id, masterplanTasks.masterplanId))
    .where(and(eq(masterplanTasks.id, taskId), eq(masterplans.tenantId, tenantId)));
  return row;
}

export async function findPlanForTenant(
  db: Db,
  planId: string,
  tenantId: string,
): Promise<Masterplan | undefined> {
  const [plan] = await db
    .select()
    .from(masterplans)
    .where(and(eq(masterplans.id, planId), eq(masterplans.tenantId, tenantId)));
  return plan;
}

/**
 * A page of a plan's atoms in file order (file, ordinal, id), keyset-paginated: `after` is the
 * last atom id of the previous page. Undefined when the plan is not the tenant's.
 */
export async function listPlanAtomsForTenant(
  db: Db,
  planId: string,
  tenantId: string,
  page: { limit: number; after?: string | undefined },
): Promise<AtomicUnit[] | undefined> {
  if (!(await findPlanForTenant(db, planId, tenantId))) return undefined;
  const { file, ordinal, id } = atomicUnits;
  return db
    .select()
    .from(atomicUnits)
    .where(
      and(
        eq(atomicUnits.masterplanId, planId),
        page.after
          ? sql`(${file}, ${ordinal}, ${id}) > (select c.file, c.ordinal, c.id from atomic_units c where c.id = ${page.after})`
          : undefined,
      ),
    )
    .orderBy(asc(file), asc(ordinal), asc(id))
    .limit(page.limit);
}

export async function findAtomForTenant(
  db: Db,
  atomId: string,
  tenantId: string,
): Promise<{ atom: AtomicUnit; task: MasterplanTask } | undefined> {
  const [row] = await db
    .select({ atom: atomicUnits, task: masterplanTasks })
    .from(atomicUnits)
    .innerJoin(masterplans, eq(masterplans.id, atomicUnits.masterplanId))
    .innerJoin(masterplanTasks, eq(masterplanTasks.id, atomicUnits.taskId))
    .where(and(eq(atomicUnits.id, atomId), eq(masterplans.tenantId, tenantId)));
  return row;
}
