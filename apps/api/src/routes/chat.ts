import { z } from 'zod';
import {
  listConversationMessages,
  listConversationsForTenant,
  type Conversation,
  type ConversationMessage,
} from '@mge/db';
import { sendChatMessage, startConversation, type ChatReply } from '@mge/pipeline';
import { ids, nextCursor, pageQuery } from '../request-parsing.js';
import { defineRoute, Reply } from '../route.js';

const messageText = z
  .string({ error: 'message must be a string' })
  .trim()
  .min(1, 'message must not be empty')
  .max(20_000, 'message must be at most 20000 characters');
/** Body of `POST /api/v1/chat/conversations`: an optional first message. */
export const conversationStartBody = z.object({ message: messageText.optional() }).strict();
/** Body of `POST /api/v1/chat/conversations/{id}/messages`. */
export const chatMessageBody = z.object({ message: messageText }).strict();
const conversationIdParam = z.object({ id: ids.conversation });

const self = (id: string) => `/api/v1/chat/conversations/${id}`;

/** A conversation as the API shows it: state, questions, links to what planning made. */
function conversationBody(c: Conversation) {
  return {
    conversationId: c.id,
    title: c.title,
    status: c.status,
    requirements: c.requirements,
    questions: c.questions,
    discoveryId: c.discoveryId,
    planId: c.planId,
    usage: {
      model: c.model,
      inputTokens: c.inputTokens,
      outputTokens: c.outputTokens,
      dollars: c.dollars,
    },
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    links: {
      self: self(c.id),
      messages: `${self(c.id)}/messages`,
      live: `/ws/chat/${c.id}`,
      ...(c.discoveryId ? { discovery: `/api/v1/discovery/${c.discoveryId}` } : {}),
      ...(c.planId ? { plan: `/api/v1/masterplan/${c.planId}` } : {}),
    },
  };
}

const messageBody = (m: ConversationMessage) => ({
  id: m.id,
  seq: m.seq,
  role: m.role,
  content: m.content,
  createdAt: m.createdAt,
});

/** The answer of a turn: the assistant's message, the question it asks, the conversation. */
const replyBody = (reply: ChatReply) => ({
  reply: messageBody(reply.message),
  question: reply.question ?? null,
  planningStarted: reply.planningStarted,
  conversation: conversationBody(reply.conversation),
});

/**
 * Conversations with the requirements assistant (the design's ChatService): it gathers the
 * requirements, asks the blocking open questions one at a time and starts discovery (then the
 * MasterPlan) from the conversation. Replies also stream over `WS /ws/chat/{id}`.
 */
export const chatRoutes = [
  defineRoute({
    method: 'post',
    path: '/api/v1/chat/conversations',
    summary: 'Start a conversation, optionally with a first message the assistant answers',
    tag: 'chat',
    auth: 'key',
    body: conversationStartBody,
    success: {
      status: 201,
      description:
        '`{ conversation, reply, question, planningStarted }`; `reply` is null without a first message',
    },
    errors: { 409: 'a first message was sent and no model is configured for the planner' },
    handler: async ({ body, caller, deps }) => {
      const started = await startConversation(
        deps,
        caller.tenantId,
        body.message,
        new AbortController().signal,
      );
      const answer = started.reply
        ? replyBody(started.reply)
        : {
            reply: null,
            question: null,
            planningStarted: false,
            conversation: conversationBody(started.conversation),
          };
      return new Reply(answer, { status: 201, location: self(started.conversation.id) });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/chat/conversations',
    summary: "The caller's tenant's conversations, newest first",
    tag: 'chat',
    auth: 'key',
    query: pageQuery,
    success: { status: 200, description: '`{ items, nextCursor }`' },
    handler: async ({ query, caller, deps }) => {
      const rows = await listConversationsForTenant(deps.db, caller.tenantId, {
        limit: query.limit,
        after: query.cursor,
      });
      return {
        items: rows.map(conversationBody),
        nextCursor: nextCursor(rows, query.limit, (c) => c.id),
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/chat/conversations/{id}',
    summary: 'A conversation with its messages, questions and what planning made',
    tag: 'chat',
    auth: 'key',
    params: conversationIdParam,
    owns: 'conversation',
    success: { status: 200, description: '`{ ...conversation, messages }`' },
    handler: async ({ conversation, deps }) => ({
      ...conversationBody(conversation),
      messages: (await listConversationMessages(deps.db, conversation.id)).map(messageBody),
    }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/chat/conversations/{id}/messages',
    summary: "Send the user's message; answers the assistant's reply",
    tag: 'chat',
    auth: 'key',
    params: conversationIdParam,
    body: chatMessageBody,
    owns: 'conversation',
    success: {
      status: 201,
      description:
        '`{ reply, question, planningStarted, conversation }`; the reply also streams over `WS /ws/chat/{id}`',
    },
    errors: {
      409: 'the conversation has started planning, or no model is configured for the planner',
    },
    handler: async ({ params, body, caller, deps }) =>
      replyBody(
        await sendChatMessage(
          deps,
          caller.tenantId,
          params.id,
          body.message,
          new AbortController().signal,
        ),
      ),
  }),
];
