import { and, eq, sql, type Placeholder } from 'drizzle-orm';
import type { Db } from '../client.js';
import {
  conversations,
  discoveryDocuments,
  llmCache,
  masterplans,
  usageEvents,
} from '../schema/index.js';
import { preparedRows, slot } from './statement.js';

/*
 * The LLM ledger: the response cache (a re-run never pays twice for one prompt) and each paid
 * call's usage row with its payer's spending, written together. Reading usage: usage.ts.
 */

export async function findCachedResponse(
  db: Db,
  promptHash: string,
  model: string,
): Promise<unknown> {
  const [row] = await db
    .select({ response: llmCache.response })
    .from(llmCache)
    .where(and(eq(llmCache.promptHash, promptHash), eq(llmCache.model, model)));
  return row?.response;
}

/**
 * `findCachedResponse` as a scalar subquery, for a statement that reads the cache with something
 * else (null when there is no answer). Names the table in full: it may sit in another table's
 * RETURNING list.
 */
export function cachedResponse({
  promptHash,
  model,
}: {
  promptHash: string | Placeholder;
  model: string | Placeholder;
}) {
  return sql<unknown>`(select llm_cache.response from llm_cache
    where llm_cache.prompt_hash = ${promptHash} and llm_cache.model = ${model})`.mapWith(
    llmCache.response,
  );
}

export type NewUsage = typeof usageEvents.$inferInsert;

/**
 * Records one paid call in one statement (atomic: a crash cannot keep the answer but lose its
 * cost, or the reverse; a re-run of the job then finds the cached answer and pays nothing): the
 * answer in the response cache, a usage row and the spending of what paid: the plan (its
 * budget), or for a discovery analysis (no plan yet) the discovery document. Returns the plan's
 * totals including this call, or the document's (conversation's) dollars and tokens (a plan that
 * no longer exists, or none, reads as no spending).
 */
export async function recordPaidCall(
  db: Db,
  /** `model` is the one asked for: the key the next lookup will use. */
  call: {
    promptHash: string;
    model: string;
    response: unknown;
    usage: NewUsage & ({ planId: string } | { discoveryId: string } | { conversationId: string });
  },
): Promise<{ spentDollars: number; spentTokens: number }> {
  const { usage } = call;
  const tokens =
    (usage.inputTokens ?? 0) +
    (usage.outputTokens ?? 0) +
    (usage.cachedTokens ?? 0) +
    (usage.cacheWriteTokens ?? 0);
  const payer = usage.planId ? 'plan' : usage.conversationId ? 'conversation' : 'discovery';
  // Built once per shape: the payer and the columns the usage row sets (the others: defaults).
  const columns = Object.keys(usage).filter((k) => usage[k as keyof NewUsage] !== undefined);
  const [totals] = await preparedRows<{ dollars: string | number; tokens: number }>(
    db,
    `recordPaidCall:${payer}:${columns.join(',')}`,
    () => recordPaidCallStatement(db, payer, columns),
    {
      promptHash: call.promptHash,
      model: call.model,
      response: call.response,
      ...Object.fromEntries(columns.map((k) => [`u_${k}`, usage[k as keyof NewUsage]])),
      payerId: usage.planId ?? usage.conversationId ?? usage.discoveryId,
      tokens,
      inputTokens: tokens - (usage.outputTokens ?? 0),
      outputTokens: usage.outputTokens ?? 0,
      dollars: usage.dollars ?? 0,
      usageModel: usage.model,
      now: new Date(),
    },
  );
  return { spentDollars: Number(totals?.dollars ?? 0), spentTokens: Number(totals?.tokens ?? 0) };
}

/**
 * `recordPaidCall`'s statement, with placeholders for its values. (`updated_at` is set from a
 * placeholder: drizzle computes an `$onUpdate` value when it builds the statement, once here.)
 */
function recordPaidCallStatement(
  db: Db,
  payer: 'plan' | 'conversation' | 'discovery',
  usageColumns: string[],
) {
  const p = sql.placeholder;
  const cache = db
    .insert(llmCache)
    .values({
      promptHash: slot<string>('promptHash'),
      model: slot<string>('model'),
      response: slot<unknown>('response'),
    })
    .onConflictDoNothing();
  const usage = db
    .insert(usageEvents)
    .values(Object.fromEntries(usageColumns.map((k) => [k, p(`u_${k}`)])) as unknown as NewUsage);
  const spending =
    payer === 'plan'
      ? db
          .update(masterplans)
          .set({
            spentTokens: sql`${masterplans.spentTokens} + ${p('tokens')}`,
            spentDollars: sql`${masterplans.spentDollars} + ${p('dollars')}`,
            updatedAt: slot<Date>('now'),
          })
          .where(eq(masterplans.id, p('payerId')))
          .returning({ dollars: masterplans.spentDollars, tokens: masterplans.spentTokens })
      : payer === 'conversation'
        ? db
            .update(conversations)
            .set({
              model: slot<string>('usageModel'),
              inputTokens: sql`${conversations.inputTokens} + ${p('inputTokens')}`,
              outputTokens: sql`${conversations.outputTokens} + ${p('outputTokens')}`,
              dollars: sql`${conversations.dollars} + ${p('dollars')}`,
              updatedAt: sql`now()`,
            })
            .where(eq(conversations.id, p('payerId')))
            .returning({
              dollars: conversations.dollars,
              tokens: sql`${conversations.inputTokens} + ${conversations.outputTokens}`.as(
                'tokens',
              ),
            })
        : db
            .update(discoveryDocuments)
            .set({
              model: slot<string>('usageModel'),
              inputTokens: sql`${discoveryDocuments.inputTokens} + ${p('inputTokens')}`,
              outputTokens: sql`${discoveryDocuments.outputTokens} + ${p('outputTokens')}`,
              dollars: sql`${discoveryDocuments.dollars} + ${p('dollars')}`,
              updatedAt: sql`now()`,
            })
            .where(eq(discoveryDocuments.id, p('payerId')))
            .returning({
              dollars: discoveryDocuments.dollars,
              tokens:
                sql`${discoveryDocuments.inputTokens} + ${discoveryDocuments.outputTokens}`.as(
                  'tokens',
                ),
            });
  return sql`with cache as (${cache.getSQL()}), usage as (${usage.getSQL()}),
      spending as (${spending.getSQL()})
      ${payer === 'plan' ? sql`select spent_dollars as dollars, spent_tokens as tokens from spending` : sql`select dollars, tokens from spending`}`;
}
