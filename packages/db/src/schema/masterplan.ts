import { relations } from 'drizzle-orm';
import {
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import {
  PLAN_MODES,
  type Language,
  type PlanInput,
  type PlanStatus,
  type TaskStatus,
} from '@mge/core';
import { tenants } from './platform.js';
import { createdAt, spendingColumns, updatedAt } from './columns.js';

export const DISCOVERY_STATUSES = ['stored', 'analyzing', 'ready', 'failed'] as const;
export type DiscoveryStatus = (typeof DISCOVERY_STATUSES)[number];

/**
 * Requirements analysis (DDD discovery) that can precede a masterplan. `stored`: text only (no
 * planner asked); `analyzing` -> `ready` (analysis holds a validated DiscoveryDocument) or
 * `failed` (error says why). Model, tokens and dollars sum every paid call of the analysis.
 */
export const discoveryDocuments = pgTable('discovery_documents', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: uuid('tenant_id').references(() => tenants.id, { onDelete: 'cascade' }),
  requirements: text('requirements').notNull(),
  analysis: jsonb('analysis'),
  status: text('status', { enum: DISCOVERY_STATUSES }).notNull().default('stored'),
  error: text('error'),
  attempts: integer('attempts').notNull().default(0),
  ...spendingColumns(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/**
 * A submitted plan and its lifecycle. `tasksRemaining` / `atomsRemaining` are the barrier
 * counters: the transaction that brings one to zero enqueues the next stage.
 */
export const masterplans = pgTable(
  'masterplans',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    discoveryId: uuid('discovery_id').references(() => discoveryDocuments.id, {
      onDelete: 'set null',
    }),
    name: text('name').notNull(),
    language: text('language').$type<Language>().notNull(),
    mode: text('mode', { enum: PLAN_MODES }).notNull().default('v2'),
    /** `eager`: an atom starts when its own prerequisites are done; `waves`: wave by wave. */
    scheduling: text('scheduling', { enum: ['eager', 'waves'] })
      .notNull()
      .default('eager'),
    /** Budget caps; null means none. Spending is added atomically after each paid call. */
    budgetDollars: numeric('budget_dollars', { precision: 12, scale: 6, mode: 'number' }),
    budgetTokens: integer('budget_tokens'),
    spentDollars: numeric('spent_dollars', { precision: 12, scale: 6, mode: 'number' })
      .notNull()
      .default(0),
    spentTokens: integer('spent_tokens').notNull().default(0),
    status: text('status').$type<PlanStatus>().notNull().default('queued'),
    /** The plan as submitted (validated), kept verbatim. */
    input: jsonb('input').$type<PlanInput>().notNull(),
    tasksRemaining: integer('tasks_remaining').notNull(),
    atomsRemaining: integer('atoms_remaining').notNull().default(0),
    /** Validation round: a targeted repair starts the next one (job id `validate:<plan>:<round>`). */
    validationRound: integer('validation_round').notNull().default(1),
    error: text('error'),
    outputDir: text('output_dir'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    /** When execution started (submission, or `POST /api/v1/masterplan/execute` for a queued plan). */
    startedAt: timestamp('started_at', { withTimezone: true }),
    completedAt: timestamp('completed_at', { withTimezone: true }),
    /**
     * When the completed plan was indexed for retrieval (`rag-index`); null while it waits, so the
     * reconciler re-enqueues a job Redis lost.
     */
    ragIndexedAt: timestamp('rag_indexed_at', { withTimezone: true }),
  },
  (t) => [
    index('masterplans_tenant_idx').on(t.tenantId, t.createdAt),
    index('masterplans_status_idx').on(t.status),
  ],
);

export const masterplanPhases = pgTable(
  'masterplan_phases',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    masterplanId: uuid('masterplan_id')
      .notNull()
      .references(() => masterplans.id, { onDelete: 'cascade' }),
    ordinal: integer('ordinal').notNull(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
  },
  (t) => [uniqueIndex('masterplan_phases_ordinal_idx').on(t.masterplanId, t.ordinal)],
);

export const masterplanMilestones = pgTable(
  'masterplan_milestones',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    phaseId: uuid('phase_id')
      .notNull()
      .references(() => masterplanPhases.id, { onDelete: 'cascade' }),
    ordinal: integer('ordinal').notNull(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
  },
  (t) => [uniqueIndex('masterplan_milestones_ordinal_idx').on(t.phaseId, t.ordinal)],
);

/** One task = one target file with its drafted code. `key` is the plan author's task id. */
export const masterplanTasks = pgTable(
  'masterplan_tasks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    masterplanId: uuid('masterplan_id')
      .notNull()
      .references(() => masterplans.id, { onDelete: 'cascade' }),
    milestoneId: uuid('milestone_id').references(() => masterplanMilestones.id, {
      onDelete: 'set null',
    }),
    key: text('key').notNull(),
    ordinal: integer('ordinal').notNull(),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    file: text('file').notNull(),
    code: text('code').notNull(),
    dependsOn: jsonb('depends_on').$type<string[]>().notNull().default([]),
    status: text('status').$type<TaskStatus>().notNull().default('pending'),
    error: text('error'),
    /** MVP mode: the latest attempt claimed (0 before the first) and the accepted answer. */
    attempt: integer('attempt').notNull().default(0),
    generatedCode: text('generated_code'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('masterplan_tasks_key_idx').on(t.masterplanId, t.key),
    uniqueIndex('masterplan_tasks_file_idx').on(t.masterplanId, t.file),
  ],
);

export const masterplanSubtasks = pgTable(
  'masterplan_subtasks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    taskId: uuid('task_id')
      .notNull()
      .references(() => masterplanTasks.id, { onDelete: 'cascade' }),
    ordinal: integer('ordinal').notNull(),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    status: text('status').notNull().default('pending'),
  },
  (t) => [uniqueIndex('masterplan_subtasks_ordinal_idx').on(t.taskId, t.ordinal)],
);

export const masterplanVersions = pgTable(
  'masterplan_versions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    masterplanId: uuid('masterplan_id')
      .notNull()
      .references(() => masterplans.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    snapshot: jsonb('snapshot').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('masterplan_versions_version_idx').on(t.masterplanId, t.version)],
);

/** Append-only event log of a plan: stage transitions, failures, human actions. */
export const masterplanHistory = pgTable(
  'masterplan_history',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    masterplanId: uuid('masterplan_id')
      .notNull()
      .references(() => masterplans.id, { onDelete: 'cascade' }),
    event: text('event').notNull(),
    data: jsonb('data'),
    createdAt: createdAt(),
  },
  (t) => [index('masterplan_history_plan_idx').on(t.masterplanId, t.createdAt)],
);

export const masterplansRelations = relations(masterplans, ({ many, one }) => ({
  tenant: one(tenants, { fields: [masterplans.tenantId], references: [tenants.id] }),
  tasks: many(masterplanTasks),
  phases: many(masterplanPhases),
  history: many(masterplanHistory),
}));
export const masterplanTasksRelations = relations(masterplanTasks, ({ one, many }) => ({
  masterplan: one(masterplans, {
    fields: [masterplanTasks.masterplanId],
    references: [masterplans.id],
  }),
  subtasks: many(masterplanSubtasks),
}));

export type Masterplan = typeof masterplans.$inferSelect;
export type MasterplanTask = typeof masterplanTasks.$inferSelect;
export type NewMasterplanTask = typeof masterplanTasks.$inferInsert;
