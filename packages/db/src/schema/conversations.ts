import { index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, spendingColumns, updatedAt } from './columns.js';
import { discoveryDocuments, masterplans } from './masterplan.js';
import { tenants } from './platform.js';

/**
 * `gathering`: requirements being collected; `asking`: a blocking question is pending;
 * `planning`: discovery was started from the conversation (`discoveryId`).
 */
export const CONVERSATION_STATUSES = ['gathering', 'asking', 'planning'] as const;
export type ConversationStatus = (typeof CONVERSATION_STATUSES)[number];

/** A question a conversation keeps: the DiscoveryDocument's open question plus the user's answer. */
export interface StoredQuestion {
  question: string;
  blocking: boolean;
  defaultAnswer: string;
  answer: string | null;
  /** `discovery`: raised by the analysis of the conversation's requirements. */
  from?: 'discovery' | undefined;
}

/**
 * A conversation with the requirements assistant (the design's ChatService): the requirements
 * gathered, the open questions with their answers, and once planning starts the discovery
 * document (and plan) made from it. Its model calls are priced like discovery's.
 */
export const conversations = pgTable(
  'conversations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    title: text('title').notNull().default(''),
    status: text('status', { enum: CONVERSATION_STATUSES }).notNull().default('gathering'),
    requirements: text('requirements').notNull().default(''),
    questions: jsonb('questions').$type<StoredQuestion[]>().notNull().default([]),
    discoveryId: uuid('discovery_id').references(() => discoveryDocuments.id, {
      onDelete: 'set null',
    }),
    planId: uuid('plan_id').references(() => masterplans.id, { onDelete: 'set null' }),
    ...spendingColumns(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('conversations_tenant_idx').on(t.tenantId, t.createdAt)],
);

/** A conversation's messages in order (`seq` 1, 2, ...). */
export const conversationMessages = pgTable(
  'conversation_messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    role: text('role', { enum: ['user', 'assistant'] }).notNull(),
    content: text('content').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('conversation_messages_seq_idx').on(t.conversationId, t.seq)],
);

export type Conversation = typeof conversations.$inferSelect;
export type ConversationMessage = typeof conversationMessages.$inferSelect;
