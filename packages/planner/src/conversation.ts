import { z } from 'zod';
import { openQuestionSchema, type OpenQuestion } from './discovery-schema.js';
import type { PlannerPrompt } from './planner-prompts.js';

/**
 * One assistant turn of a conversation, as the model answers it: what to say, the requirements
 * gathered so far restated in full, the open questions they leave (the DiscoveryDocument's
 * `openQuestions` shape), the user's answer to the question they were asked, and whether they
 * said to go ahead.
 */
export const chatTurnSchema = z.object({
  reply: z.string().min(1).max(10_000),
  requirements: z.string().max(200_000),
  openQuestions: z.array(openQuestionSchema).max(50).default([]),
  answer: z.string().max(10_000).nullable().default(null),
  go: z.boolean().default(false),
});
export type ChatTurn = z.infer<typeof chatTurnSchema>;

/**
 * An open question as a conversation keeps it: answered by the user, or not yet; `from` is
 * `discovery` when the analysis of the conversation's requirements raised it.
 */
export interface ConversationQuestion extends OpenQuestion {
  answer: string | null;
  from?: 'discovery' | undefined;
}

export interface ConversationState {
  requirements: string;
  questions: ConversationQuestion[];
}

export interface ChatMessage {
  role: 'user' | 'assistant';
  content: string;
}

/** The blocking question the user is asked next (one at a time, in the order they came up). */
export function pendingQuestion(
  questions: readonly ConversationQuestion[],
): ConversationQuestion | undefined {
  return questions.find((q) => q.blocking && q.answer === null);
}

const sameQuestion = (a: string, b: string) =>
  a.trim().toLowerCase().replace(/\s+/g, ' ') === b.trim().toLowerCase().replace(/\s+/g, ' ');

/**
 * Applies a turn: the answer goes to the question that was pending, new questions are added (one
 * already known is kept as it is), and the requirements are replaced by the restated ones (kept
 * when the model restates none). Ready to plan: there are requirements and no blocking question
 * is unanswered, or the user said go (unanswered questions then take their default answers).
 */
export function applyChatTurn(
  state: ConversationState,
  turn: ChatTurn,
): ConversationState & { next: ConversationQuestion | undefined; ready: boolean } {
  const asked = pendingQuestion(state.questions);
  const questions = state.questions.map((q) =>
    q === asked && turn.answer?.trim() ? { ...q, answer: turn.answer.trim() } : q,
  );
  for (const q of turn.openQuestions)
    if (!questions.some((known) => sameQuestion(known.question, q.question)))
      questions.push({ ...q, answer: null });
  const requirements = turn.requirements.trim() || state.requirements;
  const next = pendingQuestion(questions);
  const ready = requirements.length > 0 && (next === undefined || turn.go);
  return { requirements, questions, next, ready };
}

/**
 * The blocking questions a finished discovery raised that the conversation has not asked, to be
 * asked before the MasterPlan is written. Only once per conversation: after a round of them the
 * next discovery (which may reword what was answered) goes on to planning.
 */
export function discoveryQuestions(
  questions: readonly ConversationQuestion[],
  raised: readonly OpenQuestion[],
): ConversationQuestion[] {
  if (questions.some((q) => q.from === 'discovery')) return [];
  const added: ConversationQuestion[] = [];
  for (const q of raised)
    if (
      q.blocking &&
      ![...questions, ...added].some((known) => sameQuestion(known.question, q.question))
    )
      added.push({ ...q, answer: null, from: 'discovery' });
  return added;
}

/**
 * The requirements a conversation hands to discovery: what was gathered, then each open question
 * with the user's answer, or its default answer marked as such.
 */
export function conversationRequirements(state: ConversationState): string {
  if (state.questions.length === 0) return state.requirements;
  const answers = state.questions.map((q) =>
    q.answer !== null
      ? `- ${q.question}\n  Answer: ${q.answer}`
      : `- ${q.question}\n  Answer (default, not confirmed): ${q.defaultAnswer}`,
  );
  return `${state.requirements}\n\n## Answers from the conversation\n${answers.join('\n')}`;
}

const CHAT_SHAPE = `{
  "reply": string,
  "requirements": string,
  "openQuestions": [ { "question": string, "blocking": boolean, "defaultAnswer": string } ],
  "answer": string | null,
  "go": boolean
}`;

/**
 * A conversation turn: the transcript so far (the user's latest message last), the requirements
 * and questions known, and the question the user was just asked. The service, not the model, asks
 * the blocking questions one at a time, so the reply acknowledges and never asks them itself.
 */
export function chatPrompt(
  state: ConversationState & { messages: readonly ChatMessage[] },
  feedback?: string,
): PlannerPrompt {
  const asked = pendingQuestion(state.questions);
  const known = state.questions.map(
    (q) =>
      `- ${q.question} (${q.blocking ? 'blocking' : 'not blocking'}; ` +
      `${q.answer === null ? `default: ${q.defaultAnswer}` : `answered: ${q.answer}`})`,
  );
  const transcript = state.messages.map((m) => `${m.role.toUpperCase()}: ${m.content}`);
  return {
    system:
      'You are the requirements assistant of a code generation service. From the conversation, ' +
      'gather what the user wants built. Answer with one JSON object of this shape, nothing else:\n' +
      `${CHAT_SHAPE}\n` +
      '"requirements": everything the user wants so far, restated in full as a requirements ' +
      'document (empty while you know nothing). "openQuestions": questions the requirements ' +
      'leave open that are not listed as known yet; blocking only when no sensible plan can be ' +
      'made without the answer; each with a default answer. "answer": the user\'s answer to the ' +
      'question they were asked, from their last message, or null. "go": true when the user says ' +
      'to go ahead and start planning. "reply": a short acknowledgement to the user; do not ask ' +
      'the open questions in it, the service asks them one at a time.',
    prompt:
      `Requirements so far:\n${state.requirements || '(none yet)'}\n\n` +
      `Known open questions:\n${known.join('\n') || '(none)'}\n\n` +
      `Question the user was asked last: ${asked?.question ?? '(none)'}\n\n` +
      `Conversation:\n${transcript.join('\n')}${feedback ? `\n\n${feedback}` : ''}`,
  };
}
