import { ConflictError, NotFoundError } from '@mge/core';
import {
  appendConversationMessage,
  findConversationForTenant,
  findConversationOfDiscovery,
  findDiscovery,
  insertConversation,
  listConversationMessages,
  updateConversation,
  type Conversation,
  type ConversationMessage,
} from '@mge/db';
import {
  applyChatTurn,
  chatPrompt,
  chatTurnSchema,
  conversationRequirements,
  discoveryDocumentSchema,
  discoveryQuestions,
  type ConversationQuestion,
} from '@mge/planner';
import type { PlanEvent } from '@mge/queue';
import { publishProgress } from '../runtime/progress.js';
import type { Resources } from '../runtime/resources.js';
import { askUntilValid, PlannerGaveUpError, type PlannerOwner } from './planner-call.js';
import { plannerUnavailable, startDiscovery, startMasterplan } from './planner-service.js';

/** What a turn answers: the stored assistant message and the conversation after it. */
export interface ChatReply {
  conversation: Conversation;
  message: ConversationMessage;
  /** The blocking question the reply asks, when one is pending. */
  question: ConversationQuestion | undefined;
  /** True when this turn started planning (the conversation's `discoveryId` is set). */
  planningStarted: boolean;
}

/** Characters per published `chat` event, cut at a space where one is near. */
const CHUNK = 64;

/** Splits a reply into pieces of about `CHUNK` characters that concatenate back to it. */
export function replyChunks(text: string): string[] {
  const chunks: string[] = [];
  let rest = text;
  while (rest.length > CHUNK) {
    const space = rest.lastIndexOf(' ', CHUNK);
    const cut = space > CHUNK / 2 ? space + 1 : CHUNK;
    chunks.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  if (rest) chunks.push(rest);
  return chunks;
}

function chatEvents(r: Resources, conversationId: string, events: PlanEvent[]) {
  return publishProgress(r, conversationId, events);
}

async function loadConversation(r: Resources, tenantId: string, id: string) {
  const conversation = await findConversationForTenant(r.db, id, tenantId);
  if (!conversation) throw new NotFoundError('conversation', id);
  return conversation;
}

/** Starts a conversation; with a first message, the assistant answers it in the same call. */
export async function startConversation(
  r: Resources,
  tenantId: string,
  firstMessage: string | undefined,
  signal: AbortSignal,
): Promise<{ conversation: Conversation; reply: ChatReply | undefined }> {
  const unavailable = firstMessage === undefined ? undefined : plannerUnavailable(r.config);
  if (unavailable) throw new ConflictError(unavailable);
  const title = (firstMessage ?? '').split('\n')[0]!.trim().slice(0, 120);
  const conversation = await insertConversation(r.db, tenantId, title);
  if (firstMessage === undefined) return { conversation, reply: undefined };
  const reply = await sendChatMessage(r, tenantId, conversation.id, firstMessage, signal);
  return { conversation: reply.conversation, reply };
}

/**
 * One turn: the user's message is stored, the model (priced, ledgered, cached, its answer
 * validated) restates the requirements, lists open questions and reads the user's answer to the
 * pending one; the reply asks the next blocking question, one at a time. When none remains
 * blocking (or the user says go), discovery starts from the requirements and answers, and the
 * conversation is linked to the discovery document. A model that gives no usable answer within
 * the planner's attempts is said so in the reply; the conversation is then unchanged.
 */
export async function sendChatMessage(
  r: Resources,
  tenantId: string,
  conversationId: string,
  text: string,
  signal: AbortSignal,
): Promise<ChatReply> {
  const conversation = await loadConversation(r, tenantId, conversationId);
  if (conversation.status === 'planning')
    throw new ConflictError(
      `conversation ${conversationId} has started planning (discovery ${conversation.discoveryId}); start a new conversation`,
    );
  const unavailable = plannerUnavailable(r.config);
  if (unavailable) throw new ConflictError(unavailable);
  await appendConversationMessage(r.db, conversationId, 'user', text);
  const messages = await listConversationMessages(r.db, conversationId);
  const state = { requirements: conversation.requirements, questions: conversation.questions };
  const owner: PlannerOwner = { kind: 'conversation', conversationId, tenantId };
  let turn;
  try {
    turn = await askUntilValid(
      r,
      owner,
      'chat',
      (feedback) => chatPrompt({ ...state, messages }, feedback),
      chatTurnSchema,
      signal,
    );
  } catch (error) {
    if (!(error instanceof PlannerGaveUpError)) throw error;
    const reply = `Sorry, I could not get a usable answer from the model (${error.reason}). Please send your message again.`;
    return finishTurn(r, conversation, reply, {}, undefined);
  }
  const next = applyChatTurn(state, turn);
  if (next.ready) {
    let message: ConversationMessage | undefined;
    let reply = '';
    // The turn is stored (conversation linked) before the discover job can look for it.
    const doc = await startDiscovery(r, tenantId, conversationRequirements(next), async (d) => {
      reply =
        `${turn.reply}\n\nPlanning has started: discovery ${d.id} is analysing the requirements` +
        `${next.next ? ' (open questions take their default answers)' : ''}.`;
      message = await storeTurn(r, conversation.id, reply, {
        requirements: next.requirements,
        questions: next.questions,
        status: 'planning',
        discoveryId: d.id,
      });
    });
    await announceTurn(r, conversation.id, reply, message!, {
      type: 'conversation',
      status: 'planning',
      discoveryId: doc.id,
    });
    return replyOf(r, conversation, message!, undefined, true);
  }
  const reply = next.next
    ? `${turn.reply}\n\n${next.next.question} (if you have no preference: ${next.next.defaultAnswer})`
    : turn.reply;
  return finishTurn(
    r,
    conversation,
    reply,
    {
      requirements: next.requirements,
      questions: next.questions,
      status: next.next ? 'asking' : 'gathering',
    },
    next.next,
  );
}

type TurnChange = Parameters<typeof updateConversation>[2];

/** The conversation's change and the assistant's message, in one transaction. */
function storeTurn(
  r: Resources,
  conversationId: string,
  reply: string,
  change: TurnChange,
): Promise<ConversationMessage> {
  return r.db.transaction(async (tx) => {
    await updateConversation(tx, conversationId, change);
    return appendConversationMessage(tx, conversationId, 'assistant', reply);
  });
}

/**
 * Publishes a stored reply on the conversation's stream: its chunks in order (each its own
 * publish: a client sees the text grow), then `done` with the message's id, then the change.
 */
async function announceTurn(
  r: Resources,
  conversationId: string,
  reply: string,
  message: ConversationMessage,
  change: PlanEvent | undefined,
): Promise<void> {
  for (const delta of replyChunks(reply))
    await chatEvents(r, conversationId, [{ type: 'chat', delta, done: false }]);
  await chatEvents(r, conversationId, [
    { type: 'chat', delta: '', done: true, messageId: message.id },
    ...(change ? [change] : []),
  ]);
}

async function replyOf(
  r: Resources,
  conversation: Conversation,
  message: ConversationMessage,
  question: ConversationQuestion | undefined,
  planningStarted: boolean,
): Promise<ChatReply> {
  return {
    conversation: (await findConversationForTenant(r.db, conversation.id, conversation.tenantId))!,
    message,
    question,
    planningStarted,
  };
}

/** A turn that does not start planning: stored, announced, answered. */
async function finishTurn(
  r: Resources,
  conversation: Conversation,
  reply: string,
  change: TurnChange,
  question: ConversationQuestion | undefined,
): Promise<ChatReply> {
  const message = await storeTurn(r, conversation.id, reply, change);
  await announceTurn(
    r,
    conversation.id,
    reply,
    message,
    change.status ? { type: 'conversation', status: change.status } : undefined,
  );
  return replyOf(r, conversation, message, question, false);
}

/**
 * After discovery: when a ready document that a conversation started raised blocking questions
 * the conversation has not asked (`discoveryQuestions`, one round), the conversation goes back
 * to `asking` with the first of them; the answers then start a new discovery. Otherwise its
 * MasterPlan is written (`startMasterplan`, not approved: the user reviews it), once; the plan
 * is linked to the conversation and announced on its stream. Idempotent, so a re-run of the job
 * finishes it.
 */
export async function planFromConversation(r: Resources, discoveryId: string): Promise<void> {
  const conversation = await findConversationOfDiscovery(r.db, discoveryId);
  if (!conversation || conversation.planId) return;
  const doc = await findDiscovery(r.db, discoveryId);
  if (doc?.status !== 'ready' || conversation.status !== 'planning') return;
  const analysis = discoveryDocumentSchema.safeParse(doc.analysis);
  const added = analysis.success
    ? discoveryQuestions(conversation.questions, analysis.data.openQuestions)
    : [];
  const next = added[0];
  if (next) {
    // Back to the user: the plan waits for these answers and a discovery that has them.
    const reply =
      `The analysis of your requirements (discovery ${discoveryId}) left ${added.length} ` +
      `question${added.length === 1 ? '' : 's'} open that block planning.\n\n` +
      `${next.question} (if you have no preference: ${next.defaultAnswer})`;
    await finishTurn(
      r,
      conversation,
      reply,
      { questions: [...conversation.questions, ...added], status: 'asking' },
      next,
    );
    return;
  }
  const { planId } = await startMasterplan(r, conversation.tenantId, discoveryId);
  await updateConversation(r.db, conversation.id, { planId });
  await chatEvents(r, conversation.id, [
    { type: 'conversation', status: 'planning', discoveryId, planId },
  ]);
}
