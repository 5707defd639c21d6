import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { Db, Tx } from '../client.js';
import {
  conversationMessages,
  conversations,
  type Conversation,
  type ConversationMessage,
  type ConversationStatus,
  type StoredQuestion,
} from '../schema/index.js';

export function findConversationForTenant(
  db: Db,
  id: string,
  tenantId: string,
): Promise<Conversation | undefined> {
  return db
    .select()
    .from(conversations)
    .where(and(eq(conversations.id, id), eq(conversations.tenantId, tenantId)))
    .then((rows) => rows[0]);
}

export async function insertConversation(
  db: Db,
  tenantId: string,
  title: string,
): Promise<Conversation> {
  const [row] = await db.insert(conversations).values({ tenantId, title }).returning();
  return row!;
}

/**
 * A page of the tenant's conversations, newest first; keyset-paginated like plans (`after` is
 * the last id of the previous page).
 */
export function listConversationsForTenant(
  db: Db,
  tenantId: string,
  page: { limit: number; after?: string | undefined },
): Promise<Conversation[]> {
  const { createdAt, id } = conversations;
  return db
    .select()
    .from(conversations)
    .where(
      and(
        eq(conversations.tenantId, tenantId),
        page.after
          ? sql`(${createdAt}, ${id}) < (select c.created_at, c.id from conversations c where c.id = ${page.after})`
          : undefined,
      ),
    )
    .orderBy(desc(createdAt), desc(id))
    .limit(page.limit);
}

export function listConversationMessages(
  db: Db | Tx,
  conversationId: string,
): Promise<ConversationMessage[]> {
  return db
    .select()
    .from(conversationMessages)
    .where(eq(conversationMessages.conversationId, conversationId))
    .orderBy(asc(conversationMessages.seq));
}

/**
 * Appends a message with the next sequence number. Two writers racing for one number collide on
 * the unique (conversation, seq) index: the loser fails rather than interleaving silently.
 */
export async function appendConversationMessage(
  db: Db | Tx,
  conversationId: string,
  role: ConversationMessage['role'],
  content: string,
): Promise<ConversationMessage> {
  const [row] = await db
    .insert(conversationMessages)
    .values({
      conversationId,
      role,
      content,
      seq: sql`(select coalesce(max(m.seq), 0) + 1 from conversation_messages m where m.conversation_id = ${conversationId})`,
    })
    .returning();
  return row!;
}

/** Stores what a turn changed: requirements, questions, status and the links planning made. */
export async function updateConversation(
  db: Db | Tx,
  id: string,
  change: {
    requirements?: string;
    questions?: StoredQuestion[];
    status?: ConversationStatus;
    discoveryId?: string;
    planId?: string;
  },
): Promise<void> {
  await db
    .update(conversations)
    .set({ ...change, updatedAt: new Date() })
    .where(eq(conversations.id, id));
}

/** The conversation linked to a discovery document, if one started it. */
export function findConversationOfDiscovery(
  db: Db,
  discoveryId: string,
): Promise<Conversation | undefined> {
  return db
    .select()
    .from(conversations)
    .where(eq(conversations.discoveryId, discoveryId))
    .then((rows) => rows[0]);
}
