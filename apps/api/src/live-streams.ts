import type { z } from 'zod';
import {
  findConversationForTenant,
  findDiscoveryForTenant,
  findPlan,
  listAtoms,
  listConversationMessages,
  type Db,
} from '@mge/db';
import { getPlanView } from '@mge/pipeline';
import type { Owner } from './route.js';
import { ids } from './request-parsing.js';

/**
 * One kind of live stream (`WS /ws/<path>/:id`): whose id the path names, which tenant-owned row
 * it must be, and what its snapshot frame carries. Every kind is followed the same way
 * (`followEvents`); only these differ.
 */
export interface LiveStream {
  /** The id's schema (its message names what the id should have been). */
  id: z.ZodType<string>;
  owns: Extract<Owner, 'plan' | 'conversation' | 'discovery'>;
  /** The snapshot frame's fields besides `{ type, reason, seq }`; undefined when it is gone. */
  snapshot(db: Db, id: string, tenantId: string): Promise<object | undefined>;
}

/** The live streams by the path segment after `/ws/`. */
export const LIVE_STREAMS = {
  masterplan: { id: ids.plan, owns: 'plan', snapshot: planSnapshot },
  chat: { id: ids.conversation, owns: 'conversation', snapshot: conversationSnapshot },
  discovery: { id: ids.discovery, owns: 'discovery', snapshot: discoverySnapshot },
} as const satisfies Record<string, LiveStream>;

export type LiveStreamKind = keyof typeof LIVE_STREAMS;

/** A plan's snapshot frame: its view, what it spent, and each atom's status. */
async function planSnapshot(db: Db, id: string, tenantId: string) {
  const [view, plan, atoms] = await Promise.all([
    getPlanView(db, id, tenantId),
    findPlan(db, id),
    listAtoms(db, id),
  ]);
  if (!view) return undefined;
  return {
    plan: view,
    spent: { dollars: plan?.spentDollars ?? 0, tokens: plan?.spentTokens ?? 0 },
    atoms: atoms.map((a) => ({
      id: a.id,
      file: a.file,
      name: a.name,
      status: a.status,
      attempt: a.attempt,
    })),
  };
}

/** A conversation's snapshot frame: its state and every message so far. */
async function conversationSnapshot(db: Db, id: string, tenantId: string) {
  const conversation = await findConversationForTenant(db, id, tenantId);
  if (!conversation) return undefined;
  const messages = await listConversationMessages(db, id);
  return {
    conversation: {
      id: conversation.id,
      status: conversation.status,
      discoveryId: conversation.discoveryId,
      planId: conversation.planId,
      messages: messages.map((m) => ({ id: m.id, seq: m.seq, role: m.role, content: m.content })),
    },
  };
}

/**
 * A discovery document's snapshot frame: its status, attempts, model and spending as stored (the
 * analysis itself is read with `GET /api/v1/discovery/{id}` once it is `ready`).
 */
async function discoverySnapshot(db: Db, id: string, tenantId: string) {
  const doc = await findDiscoveryForTenant(db, id, tenantId);
  if (!doc) return undefined;
  return {
    discovery: {
      id: doc.id,
      status: doc.status,
      error: doc.error,
      model: doc.model,
      attempts: doc.attempts,
    },
    spent: { dollars: doc.dollars, tokens: doc.inputTokens + doc.outputTokens },
  };
}
