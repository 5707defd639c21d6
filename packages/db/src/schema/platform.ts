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
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { PLAN_MODES } from '@mge/core';
import { createdAt } from './columns.js';

export const tenants = pgTable('tenants', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull().unique(),
  /** Engine for this tenant's plans unless a plan names its own; null: the fleet's setting. */
  modeOverride: text('mode_override', { enum: PLAN_MODES }),
  createdAt: createdAt(),
});

/**
 * The fleet's mode setting, one row (`id` = 1): the default mode and the share of plans rolled
 * out to v2 (null: no rollout). No row means v2 by default, no rollout.
 */
export const modeSettings = pgTable(
  'mode_settings',
  {
    id: integer('id').primaryKey().default(1),
    defaultMode: text('default_mode', { enum: PLAN_MODES }).notNull().default('v2'),
    rolloutPercent: numeric('rollout_percent', { precision: 5, scale: 2, mode: 'number' }),
    updatedBy: text('updated_by'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('mode_settings_one_row', sql`${t.id} = 1`),
    check(
      'mode_settings_rollout_range',
      sql`${t.rolloutPercent} is null or ${t.rolloutPercent} between 0 and 100`,
    ),
  ],
);

/**
 * This database's identity, one row (`id` = 1) written by the migration that creates it: a random
 * id that every process on this database shares and no other database has. Processes derive
 * their queue prefix from it, so fleets on different databases never take each other's jobs
 * even when they share a Redis.
 */
export const installation = pgTable(
  'installation',
  {
    id: integer('id').primaryKey().default(1),
    installationId: uuid('installation_id').notNull().defaultRandom(),
    createdAt: createdAt(),
  },
  (t) => [check('installation_one_row', sql`${t.id} = 1`)],
);

/** API keys are stored as SHA-256 hashes; `prefix` lets a user recognise a key without revealing it. */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    keyHash: text('key_hash').notNull(),
    prefix: text('prefix').notNull(),
    role: text('role', { enum: ['admin', 'member'] })
      .notNull()
      .default('member'),
    createdAt: createdAt(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('api_keys_key_hash_idx').on(t.keyHash)],
);

/** One row per LLM call: what it cost and for whom. */
export const usageEvents = pgTable(
  'usage_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: uuid('tenant_id').references(() => tenants.id, { onDelete: 'set null' }),
    planId: uuid('plan_id'),
    atomId: uuid('atom_id'),
    /** Set instead of `atomId` for MVP mode, where a whole task is one call. */
    taskId: uuid('task_id'),
    /** Set for a planner call that analysed requirements (no plan exists yet). */
    discoveryId: uuid('discovery_id'),
    /** Set for a call of the requirements assistant (a conversation). */
    conversationId: uuid('conversation_id'),
    attempt: integer('attempt'),
    model: text('model').notNull(),
    provider: text('provider').notNull(),
    inputTokens: integer('input_tokens').notNull().default(0),
    outputTokens: integer('output_tokens').notNull().default(0),
    cachedTokens: integer('cached_tokens').notNull().default(0),
    cacheWriteTokens: integer('cache_write_tokens').notNull().default(0),
    dollars: numeric('dollars', { precision: 12, scale: 6, mode: 'number' }).notNull().default(0),
    /** True for the `sim` provider: such figures are simulated and must be labelled so. */
    simulated: boolean('simulated').notNull().default(false),
    /** `batch`: answered through the Message Batches API, at half price. */
    channel: text('channel', { enum: ['standard', 'batch'] })
      .notNull()
      .default('standard'),
    startedAt: timestamp('started_at', { withTimezone: true }),
    latencyMs: integer('latency_ms'),
    createdAt: createdAt(),
  },
  (t) => [
    index('usage_events_tenant_idx').on(t.tenantId, t.createdAt),
    index('usage_events_plan_idx').on(t.planId),
    // Deliberately not unique: every paid call is a row, so a double payment would show.
    index('usage_events_atom_attempt_idx').on(t.atomId, t.attempt),
  ],
);

/** LLM responses keyed by prompt hash and model, so a re-run never pays twice for the same prompt. */
export const llmCache = pgTable(
  'llm_cache',
  {
    promptHash: text('prompt_hash').notNull(),
    model: text('model').notNull(),
    response: jsonb('response').notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.promptHash, t.model] })],
);

/**
 * One LLM request sent through the provider's batch API (`MGE_LLM_BATCH=first-attempts`); its id
 * is the request's `custom_id`. `pending`: reserved by one process, which holds it in memory
 * until its batch is created (`leaseUntil`: another may take it over after that); `submitted`:
 * in batch `batchId`, whose results the LLM roles poll; `answered`: the answer is in `llm_cache`
 * and its paid call in `usage_events` (written in the same transaction as this state);
 * `errored`: the batch gave no answer (errored, canceled, expired), the attempt calls directly.
 * At most one pending or submitted request per (prompt hash, model): a prompt is never in two
 * batches, so it is never paid twice.
 */
export const llmBatchRequests = pgTable(
  'llm_batch_requests',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: uuid('tenant_id'),
    planId: uuid('plan_id').notNull(),
    atomId: uuid('atom_id'),
    taskId: uuid('task_id'),
    attempt: integer('attempt').notNull(),
    /**
     * The job that runs this attempt (queue and payload), enqueued again once the batch answers:
     * a task draft or test design (`draft` queue). Null: the atom's or MVP task's own job.
     */
    job: jsonb('job').$type<{ queue: string; payload: Record<string, unknown> }>(),
    promptHash: text('prompt_hash').notNull(),
    model: text('model').notNull(),
    state: text('state', { enum: ['pending', 'submitted', 'answered', 'errored'] })
      .notNull()
      .default('pending'),
    batchId: text('batch_id'),
    leaseUntil: timestamp('lease_until', { withTimezone: true }).notNull(),
    error: text('error'),
    createdAt: createdAt(),
    submittedAt: timestamp('submitted_at', { withTimezone: true }),
    settledAt: timestamp('settled_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('llm_batch_requests_open_prompt_idx')
      .on(t.promptHash, t.model)
      .where(sql`${t.state} in ('pending', 'submitted')`),
    index('llm_batch_requests_state_batch_idx').on(t.state, t.batchId),
  ],
);

export const tenantsRelations = relations(tenants, ({ many }) => ({ apiKeys: many(apiKeys) }));
export const apiKeysRelations = relations(apiKeys, ({ one }) => ({
  tenant: one(tenants, { fields: [apiKeys.tenantId], references: [tenants.id] }),
}));

export type Tenant = typeof tenants.$inferSelect;
export type ApiKey = typeof apiKeys.$inferSelect;
export type UsageEvent = typeof usageEvents.$inferSelect;
export type LlmBatchRequest = typeof llmBatchRequests.$inferSelect;
export type ModeSettingsRow = typeof modeSettings.$inferSelect;
