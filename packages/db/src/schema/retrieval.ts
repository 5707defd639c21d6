import { index, integer, pgTable, real, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt } from './columns.js';
import { discoveryDocuments, masterplans } from './masterplan.js';

/**
 * The retrieved snippets a prompt carried: one row per snippet, in rank order, per subject (an
 * atom, a task generated or drafted, a plan's planning steps, or a discovery document's analysis,
 * which belongs to no plan yet). Recorded before the first call and reused by every later
 * attempt and re-run, so the prompt (and its response-cache key) stays the same while the index
 * grows, and the plan tells which earlier code it drew on. Unique per (subject, rank): a re-run
 * cannot record twice.
 */
export const planRetrievals = pgTable(
  'plan_retrievals',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** The plan, or (discovery) null. */
    masterplanId: uuid('masterplan_id').references(() => masterplans.id, { onDelete: 'cascade' }),
    /** The discovery document of a `discovery` subject. */
    discoveryId: uuid('discovery_id').references(() => discoveryDocuments.id, {
      onDelete: 'cascade',
    }),
    subjectKind: text('subject_kind').$type<'atom' | 'task' | 'plan' | 'discovery'>().notNull(),
    subjectId: uuid('subject_id').notNull(),
    /** 0-based rank in the prompt; -1 records that retrieval found nothing within the budget. */
    rank: integer('rank').notNull(),
    /** `plans`, `examples` or `documents`. */
    source: text('source').notNull(),
    /** The document's id in its Chroma collection. */
    sourceId: text('source_id').notNull(),
    file: text('file').notNull(),
    name: text('name').notNull(),
    language: text('language').notNull(),
    description: text('description').notNull().default(''),
    code: text('code').notNull(),
    score: real('score').notNull(),
    tokens: integer('tokens').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('plan_retrievals_subject_rank_idx').on(t.subjectId, t.rank),
    index('plan_retrievals_plan_idx').on(t.masterplanId),
  ],
);

export type PlanRetrieval = typeof planRetrievals.$inferSelect;
export type NewPlanRetrieval = typeof planRetrievals.$inferInsert;
