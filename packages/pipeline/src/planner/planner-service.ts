import { ConflictError, InvalidInputError, NotFoundError } from '@mge/core';
import {
  findDiscoveryForTenant,
  findPlan,
  findPlanVersion,
  insertDiscovery,
  insertPlanningPlan,
  storePlanVersion,
  type Db,
  type DiscoveryDocument as DiscoveryRow,
} from '@mge/db';
import {
  diffMasterPlans,
  discoveryDocumentSchema,
  masterPlanSchema,
  validateMasterPlan,
  type MasterPlan,
  type PlanValidation,
} from '@mge/planner';
import { chooseModel, costOf, estimateTokens } from '@mge/llm';
import { enqueue } from '@mge/queue';
import type { Config } from '@mge/config';
import { executeStoredPlan, type Submission } from '../commands/submit.js';
import type { Resources } from '../runtime/resources.js';
import { planInputOf } from './plan-input.js';
import { plannerEvent } from './planner-call.js';

/**
 * What to configure for the planner, or undefined when a model can plan. The offline provider
 * returns drafted code and the sim provider simulates atoms: neither can analyse requirements.
 */
export function plannerUnavailable(config: Pick<Config, 'llm'>): string | undefined {
  return config.llm.provider === 'anthropic'
    ? undefined
    : 'the planner needs a model: set ANTHROPIC_API_KEY (and ANTHROPIC_BASE_URL for a gateway or ' +
        'a local server speaking the Messages API; MGE_MODEL_LARGE picks the model)';
}

/**
 * Stores requirements; with a model configured, also enqueues their analysis (`analyzing`).
 * Without one the text is only stored (`stored`), as before the planner existed. `stored` runs
 * once the document exists and before its job can: what links to the document (a conversation)
 * is then in place when the job looks for it.
 */
export async function startDiscovery(
  r: Resources,
  tenantId: string,
  requirements: string,
  stored?: (doc: DiscoveryRow) => Promise<void>,
): Promise<DiscoveryRow> {
  if (plannerUnavailable(r.config)) {
    const doc = await insertDiscovery(r.db, tenantId, requirements);
    await stored?.(doc);
    return doc;
  }
  const doc = await insertDiscovery(r.db, tenantId, requirements, 'analyzing');
  await stored?.(doc);
  await plannerEvent(
    r,
    { kind: 'discovery', discoveryId: doc.id, tenantId },
    {
      step: 'discovery',
      status: 'queued',
    },
  );
  // The reconciler re-enqueues an `analyzing` document if Redis refuses the job now.
  await enqueue(r.queues, 'discover', { discoveryId: doc.id, tenantId }).catch((err: unknown) =>
    r.logger.error({ err, discoveryId: doc.id }, 'enqueue failed; the reconciler will retry'),
  );
  return doc;
}

/** Starts writing a MasterPlan from a tenant's analysed discovery document: a plan in `planning`. */
export async function startMasterplan(
  r: Resources,
  tenantId: string,
  discoveryId: string,
  options: {
    language?: MasterPlan['language'] | undefined;
    budget?: MasterPlan['budget'];
    /** Start the plan on its own once it is planned and validates. */
    approve?: boolean | undefined;
  } = {},
): Promise<{ planId: string; status: 'planning' }> {
  const unavailable = plannerUnavailable(r.config);
  if (unavailable) throw new ConflictError(unavailable);
  const doc = await findDiscoveryForTenant(r.db, discoveryId, tenantId);
  if (!doc) throw new NotFoundError('discovery document', discoveryId);
  const analysis = discoveryDocumentSchema.safeParse(doc.analysis);
  if (doc.status !== 'ready' || !analysis.success)
    throw new ConflictError(
      `discovery ${discoveryId} is ${doc.status}${doc.error ? ` (${doc.error})` : ''}; a masterplan needs a ready analysis`,
    );
  const plan = await insertPlanningPlan(r.db, {
    tenantId,
    discoveryId,
    name: analysis.data.domain.name.slice(0, 200),
    language: options.language ?? 'typescript',
    budget: options.budget,
    defaultBudget: r.config.budget,
    approve: options.approve,
  });
  await enqueue(r.queues, 'masterplan', { planId: plan.id, discoveryId }).catch((err: unknown) =>
    r.logger.error({ err, planId: plan.id }, 'enqueue failed; the reconciler will retry'),
  );
  return { planId: plan.id, status: 'planning' };
}

export interface MasterplanDocument {
  version: number;
  document: MasterPlan;
  validation: PlanValidation;
}

/** Characters of one line of code, for estimates from `estimatedLoc`. */
const CHARS_PER_LINE = 40;

/**
 * What writing the plan's undrafted tasks will likely cost, before anything is spent: per task,
 * a prompt of its description plus its dependencies' estimated code, and an answer of its
 * estimated size (`estimateTokens`, the rule the rate limiter reserves by), priced for the model
 * its size routes to. An estimate: validation retries and repairs come on top.
 */
export function estimatePlanCost(
  plan: MasterPlan,
  llm: Pick<Config['llm'], 'models' | 'prices'>,
): { tokens: number; dollars: number; tasks: number } {
  const loc = new Map(plan.tasks.map((t) => [t.id, t.estimatedLoc]));
  let tokens = 0;
  let dollars = 0;
  const undrafted = plan.tasks.filter((t) => !t.code);
  for (const task of undrafted) {
    const context = task.dependsOn.reduce((n, d) => n + (loc.get(d) ?? 0), 0) * CHARS_PER_LINE;
    const { inputTokens, outputTokens } = estimateTokens({
      system: ' '.repeat(context),
      prompt: `${task.title}\n${task.description}`,
      draftCode: ' '.repeat((task.estimatedLoc * CHARS_PER_LINE) / 2),
    });
    const model = chooseModel(Math.ceil(task.estimatedLoc / 10), llm.models);
    tokens += inputTokens + outputTokens;
    dollars += costOf(
      { inputTokens, outputTokens, cachedTokens: 0, cacheWriteTokens: 0 },
      model,
      llm.prices,
    ).dollars;
  }
  return { tokens, dollars: Math.round(dollars * 1e6) / 1e6, tasks: undrafted.length };
}

/** The latest (or a given) version of a plan's MasterPlan, validated now against its discovery. */
export async function readMasterplan(
  db: Db,
  planId: string,
  tenantId: string,
  version?: number,
): Promise<MasterplanDocument | undefined> {
  const row = await findPlanVersion(db, planId, version);
  if (!row) return undefined;
  const document = masterPlanSchema.parse(row.snapshot);
  const plan = await findPlan(db, planId, tenantId);
  const doc = plan?.discoveryId
    ? await findDiscoveryForTenant(db, plan.discoveryId, tenantId)
    : undefined;
  const discovery = discoveryDocumentSchema.safeParse(doc?.analysis);
  return {
    version: row.version,
    document,
    validation: validateMasterPlan(
      document,
      discovery.success ? { discovery: discovery.data } : {},
    ),
  };
}

/** An edit: tasks and milestones merged by id (new ids are added), removals, whole tests. */
export interface MasterplanEdit {
  name?: string | undefined;
  tasks?: ({ id: string } & Record<string, unknown>)[] | undefined;
  removeTasks?: string[] | undefined;
  milestones?: ({ id: string } & Record<string, unknown>)[] | undefined;
  tests?: unknown[] | undefined;
}

function mergeById<T extends { id: string }>(
  items: readonly T[],
  changes: readonly ({ id: string } & Record<string, unknown>)[] = [],
): unknown[] {
  const merged: unknown[] = items.map((item) => {
    const change = changes.find((c) => c.id === item.id);
    return change ? { ...item, ...change } : item;
  });
  for (const change of changes) if (!items.some((i) => i.id === change.id)) merged.push(change);
  return merged;
}

/**
 * Edits a plan that has not started: a new version (actor, kind `edited`, diff) revalidated;
 * an edit that breaks the plan is stored too and shown with its errors (approval waits).
 */
export async function editMasterplan(
  r: Resources,
  tenantId: string,
  planId: string,
  edit: MasterplanEdit,
  actor: string,
): Promise<MasterplanDocument> {
  const current = await readMasterplan(r.db, planId, tenantId);
  if (!current) throw new ConflictError(`plan ${planId} has no MasterPlan to edit`);
  const before = current.document;
  const next = masterPlanSchema.safeParse({
    ...before,
    ...(edit.name ? { name: edit.name } : {}),
    milestones: mergeById(before.milestones, edit.milestones),
    tasks: (mergeById(before.tasks, edit.tasks) as { id: string }[]).filter(
      (t) => !edit.removeTasks?.includes(t.id),
    ),
    ...(edit.tests ? { tests: edit.tests } : {}),
  });
  if (!next.success)
    throw new InvalidInputError(
      `the edited plan is not a MasterPlan: ${next.error.issues
        .map((i) => `${i.path.map(String).join('.')}: ${i.message}`)
        .join('; ')}`,
    );
  const version = await storePlanVersion(r.db, planId, next.data, planInputOf(next.data), {
    actor,
    kind: 'edited',
    diff: diffMasterPlans(before, next.data),
  });
  if (version === undefined)
    throw new ConflictError(
      `plan ${planId} has started; only a plan not yet started can be edited`,
    );
  return (await readMasterplan(r.db, planId, tenantId, version))!;
}

/** Approves a queued plan: a MasterPlan must validate; then it runs like `masterplan/execute`. */
export async function approveMasterplan(
  r: Resources,
  tenantId: string,
  planId: string,
): Promise<Submission> {
  const current = await readMasterplan(r.db, planId, tenantId);
  if (current && !current.validation.valid)
    throw new ConflictError(
      `plan ${planId} version ${current.version} does not validate: ${current.validation.errors
        .map((e) => `${e.code} at ${e.path}: ${e.message}`)
        .join('; ')}`,
    );
  return executeStoredPlan(r, tenantId, planId);
}
