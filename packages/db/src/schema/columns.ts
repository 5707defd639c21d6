import { integer, numeric, text, timestamp } from 'drizzle-orm/pg-core';

/** Column helpers shared by every table: timestamps with time zone. */
export const createdAt = () =>
  timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

export const updatedAt = () =>
  timestamp('updated_at', { withTimezone: true })
    .notNull()
    .defaultNow()
    .$onUpdate(() => new Date());

/**
 * What a payer that is not a plan (a discovery document, a conversation) spent on model calls:
 * the model last used, tokens and dollars, added to by `recordPaidCall`.
 */
export const spendingColumns = () => ({
  model: text('model'),
  inputTokens: integer('input_tokens').notNull().default(0),
  outputTokens: integer('output_tokens').notNull().default(0),
  dollars: numeric('dollars', { precision: 12, scale: 6, mode: 'number' }).notNull().default(0),
});
