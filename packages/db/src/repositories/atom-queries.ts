import { and, asc, eq } from 'drizzle-orm';
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

/** A plan's atoms in file order, or undefined when the plan is not the tenant's. */
export async function listPlanAtomsForTenant(
  db: Db,
  planId: string,
  tenantId: string,
): Promise<AtomicUnit[] | undefined> {
  if (!(await findPlanForTenant(db, planId, tenantId))) return undefined;
  return db
    .select()
    .from(atomicUnits)
    .where(eq(atomicUnits.masterplanId, planId))
    .orderBy(asc(atomicUnits.file), asc(atomicUnits.ordinal));
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
