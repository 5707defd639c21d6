import { relations, sql } from 'drizzle-orm';
import {
  boolean,
  check,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import {
  REVIEW_STATUSES,
  type AtomKind,
  type AtomStatus,
  type Diagnostic,
  type EdgeKind,
  type ValidationLevel,
} from '@mge/core';
import { masterplans, masterplanTasks } from './masterplan.js';
import { createdAt, updatedAt } from './columns.js';

/** The inputs of an atom's confidence score (@mge/validation `ConfidenceFeatures`). */
export interface ConfidenceFeatures {
  attempts: number;
  complexity: number;
  contextCompleteness: number;
  tests: 'exercised' | 'passed' | 'none';
}

const planRef = () =>
  uuid('masterplan_id')
    .notNull()
    .references(() => masterplans.id, { onDelete: 'cascade' });

/**
 * An atom: a contiguous byte range of its task's file. `draftCode` is what atomization cut;
 * `code` is the latest validated (or human-approved) code. `attempt` counts generation attempts;
 * `pendingPrerequisites` is the eager scheduler's counter.
 */
export const atomicUnits = pgTable(
  'atomic_units',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    masterplanId: planRef(),
    taskId: uuid('task_id')
      .notNull()
      .references(() => masterplanTasks.id, { onDelete: 'cascade' }),
    ordinal: integer('ordinal').notNull(),
    file: text('file').notNull(),
    kind: text('kind').$type<AtomKind>().notNull(),
    name: text('name').notNull(),
    startByte: integer('start_byte').notNull(),
    endByte: integer('end_byte').notNull(),
    startLine: integer('start_line').notNull(),
    endLine: integer('end_line').notNull(),
    loc: integer('loc').notNull(),
    complexity: integer('complexity').notNull().default(1),
    defines: jsonb('defines').$type<string[]>().notNull().default([]),
    uses: jsonb('uses').$type<string[]>().notNull().default([]),
    draftCode: text('draft_code').notNull(),
    code: text('code'),
    status: text('status').$type<AtomStatus>().notNull().default('pending'),
    attempt: integer('attempt').notNull().default(0),
    pendingPrerequisites: integer('pending_prerequisites').notNull().default(0),
    /** Index of the atom's cycle group (atoms generated together), when it is in one. */
    cycleGroup: integer('cycle_group'),
    /** Index of the atom's execution wave (longest-path layer). */
    wave: integer('wave'),
    /** When the atom last became ready, and when it last settled: orchestration overhead. */
    readyAt: timestamp('ready_at', { withTimezone: true }),
    settledAt: timestamp('settled_at', { withTimezone: true }),
    confidence: real('confidence'),
    /** What the confidence was computed from (the learned score's training features). */
    confidenceFeatures: jsonb('confidence_features').$type<ConfidenceFeatures>(),
    failedLevel: text('failed_level').$type<ValidationLevel>(),
    diagnostics: jsonb('diagnostics').$type<Diagnostic[]>().notNull().default([]),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('atomic_units_task_ordinal_idx').on(t.taskId, t.ordinal),
    index('atomic_units_plan_status_idx').on(t.masterplanId, t.status),
  ],
);

/** Edges point prerequisite (`fromAtomId`) -> dependent (`toAtomId`). */
export const atomDependencies = pgTable(
  'atom_dependencies',
  {
    masterplanId: planRef(),
    fromAtomId: uuid('from_atom_id')
      .notNull()
      .references(() => atomicUnits.id, { onDelete: 'cascade' }),
    toAtomId: uuid('to_atom_id')
      .notNull()
      .references(() => atomicUnits.id, { onDelete: 'cascade' }),
    kind: text('kind').$type<EdgeKind>().notNull(),
    symbol: text('symbol'),
    strength: real('strength').notNull().default(1),
  },
  (t) => [
    primaryKey({ columns: [t.fromAtomId, t.toAtomId, t.kind] }),
    index('atom_dependencies_to_idx').on(t.toAtomId),
    index('atom_dependencies_plan_idx').on(t.masterplanId),
  ],
);

/** Summary of a plan's graph; one per plan. */
export const dependencyGraphs = pgTable('dependency_graphs', {
  id: uuid('id').primaryKey().defaultRandom(),
  masterplanId: planRef().unique(),
  atomCount: integer('atom_count').notNull(),
  edgeCount: integer('edge_count').notNull(),
  waveCount: integer('wave_count').notNull(),
  maxParallelism: integer('max_parallelism').notNull(),
  criticalPath: jsonb('critical_path').$type<string[]>().notNull(),
  cycleGroups: jsonb('cycle_groups').$type<string[][]>().notNull().default([]),
  createdAt: createdAt(),
});

export const executionWaves = pgTable(
  'execution_waves',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    masterplanId: planRef(),
    waveIndex: integer('wave_index').notNull(),
    atomIds: jsonb('atom_ids').$type<string[]>().notNull(),
    status: text('status', { enum: ['pending', 'running', 'done'] })
      .notNull()
      .default('pending'),
    /** Atoms of this wave not yet settled (waves scheduling releases the next wave at zero). */
    remaining: integer('remaining').notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('execution_waves_index_idx').on(t.masterplanId, t.waveIndex)],
);

/** One row per validation run of a scope: an atom (L1), a file (L2), a component (L3), the plan (L4). */
export const validationResults = pgTable(
  'validation_results',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    masterplanId: planRef(),
    atomId: uuid('atom_id').references(() => atomicUnits.id, { onDelete: 'cascade' }),
    level: text('level').$type<ValidationLevel>().notNull(),
    scope: text('scope').notNull(),
    passed: boolean('passed').notNull(),
    diagnostics: jsonb('diagnostics').$type<Diagnostic[]>().notNull().default([]),
    durationMs: integer('duration_ms').notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [index('validation_results_plan_idx').on(t.masterplanId, t.level)],
);

/**
 * Every failed generation attempt; unique per (atom, attempt) so a re-run cannot double-record.
 * `answer` is the code the model answered (null for rows written before it was kept).
 */
export const atomRetryHistory = pgTable(
  'atom_retry_history',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    atomId: uuid('atom_id')
      .notNull()
      .references(() => atomicUnits.id, { onDelete: 'cascade' }),
    attempt: integer('attempt').notNull(),
    errorCategory: text('error_category').notNull(),
    message: text('message').notNull(),
    answer: text('answer'),
    tokens: integer('tokens').notNull().default(0),
    dollars: numeric('dollars', { precision: 12, scale: 6, mode: 'number' }).notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('atom_retry_history_attempt_idx').on(t.atomId, t.attempt)],
);

/**
 * The human review queue: one row per question to a reviewer, about an atom (its code) or about
 * one of the plan's test files (`test_file`: an L4 test that fails on code a reviewer approved).
 * Exactly one of the two is set.
 */
export const humanReviewQueue = pgTable(
  'human_review_queue',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    masterplanId: planRef(),
    atomId: uuid('atom_id').references(() => atomicUnits.id, { onDelete: 'cascade' }),
    testFile: text('test_file'),
    reason: text('reason').notNull(),
    status: text('status', { enum: REVIEW_STATUSES }).notNull().default('open'),
    action: text('action'),
    note: text('note'),
    resolvedBy: text('resolved_by'),
    createdAt: createdAt(),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('human_review_queue_open_atom_idx')
      .on(t.atomId)
      .where(sql`${t.status} = 'open'`),
    uniqueIndex('human_review_queue_open_test_idx')
      .on(t.masterplanId, t.testFile)
      .where(sql`${t.status} = 'open' and ${t.testFile} is not null`),
    index('human_review_queue_plan_idx').on(t.masterplanId),
    check('human_review_queue_one_subject', sql`(${t.atomId} is null) <> (${t.testFile} is null)`),
  ],
);

export const atomicUnitsRelations = relations(atomicUnits, ({ one }) => ({
  masterplan: one(masterplans, {
    fields: [atomicUnits.masterplanId],
    references: [masterplans.id],
  }),
  task: one(masterplanTasks, { fields: [atomicUnits.taskId], references: [masterplanTasks.id] }),
}));

export type AtomicUnit = typeof atomicUnits.$inferSelect;
export type NewAtomicUnit = typeof atomicUnits.$inferInsert;
export type AtomDependency = typeof atomDependencies.$inferInsert;
export type ValidationResult = typeof validationResults.$inferSelect;
