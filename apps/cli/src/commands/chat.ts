import { createInterface } from 'node:readline/promises';
import { ApiClient, apiKeyFromEnv } from '../api-client.js';
import { print, printError } from '../output.js';

export interface ChatOptions {
  api: string;
  /** One turn, non-interactively. */
  message?: string;
  /** Continue this conversation instead of starting one. */
  conversation?: string;
  json?: boolean;
  /** Seconds to wait for the plan's id once planning started (0: do not wait). @defaultValue 300 */
  waitPlan?: string;
  /** Poll interval while waiting for the plan. @defaultValue 500 */
  intervalMs?: number;
}

interface Conversation {
  conversationId: string;
  status: 'gathering' | 'asking' | 'planning';
  discoveryId: string | null;
  planId: string | null;
}

interface Turn {
  reply: { content: string } | null;
  question: { question: string; defaultAnswer: string } | null;
  planningStarted: boolean;
  conversation: Conversation;
}

/** What one turn prints with `--json`: the reply and where the conversation stands. */
interface TurnSummary {
  conversationId: string;
  status: Conversation['status'];
  reply: string | null;
  question: string | null;
  planningStarted: boolean;
  discoveryId: string | null;
  planId: string | null;
  /** Why no plan id came: the discovery failed, or the wait ran out. */
  planError?: string;
}

/**
 * Once planning started: the plan's id, when the planner has analysed the requirements and
 * started writing the MasterPlan; or why not (the discovery failed, or `seconds` passed).
 */
async function waitForPlanId(
  client: ApiClient,
  conversationId: string,
  seconds: number,
  intervalMs: number,
): Promise<{ planId: string } | { error: string }> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const c = await client.v1<Conversation>('GET', `chat/conversations/${conversationId}`);
    if (c.planId) return { planId: c.planId };
    if (c.discoveryId) {
      const d = await client.v1<{ status: string; error: string | null }>(
        'GET',
        `discovery/${c.discoveryId}`,
      );
      if (d.status === 'failed') return { error: `discovery ${c.discoveryId} failed: ${d.error}` };
    }
    if (Date.now() >= deadline)
      return {
        error: `no plan yet after ${seconds}s; follow it with GET /api/v1/chat/conversations/${conversationId}`,
      };
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * `mge chat [--message TEXT] [--conversation ID] [--json]`: talk to the requirements assistant
 * of a running API. Interactive (a line per message) without `--message`; with it, one turn.
 * When the assistant starts planning, it waits for the plan's id and prints it. Exit 0, 1 when
 * the API refuses or planning fails, 2 on bad input or no API key.
 */
export async function chatCommand(options: ChatOptions): Promise<number> {
  const key = await apiKeyFromEnv('chat');
  if (!key) return 2;
  if (options.message !== undefined && !options.message.trim()) {
    await printError('mge chat: --message must not be empty\n');
    return 2;
  }
  const waitSeconds = Number(options.waitPlan ?? 300);
  if (!Number.isFinite(waitSeconds) || waitSeconds < 0) {
    await printError(
      `mge chat: --wait-plan must be a number of seconds, not "${options.waitPlan}"\n`,
    );
    return 2;
  }
  const client = new ApiClient(options.api, key);
  let conversationId = options.conversation;

  /** Sends one message; prints the reply (and the plan once planning started). */
  async function turn(message: string): Promise<TurnSummary> {
    const answer = conversationId
      ? await client.v1<Turn>('POST', `chat/conversations/${conversationId}/messages`, {
          message,
        })
      : await client.v1<Turn>('POST', 'chat/conversations', { message });
    conversationId = answer.conversation.conversationId;
    const summary: TurnSummary = {
      conversationId,
      status: answer.conversation.status,
      reply: answer.reply?.content ?? null,
      question: answer.question?.question ?? null,
      planningStarted: answer.planningStarted,
      discoveryId: answer.conversation.discoveryId,
      planId: answer.conversation.planId,
    };
    if (!options.json && summary.reply) await print(`assistant> ${summary.reply}\n`);
    if (summary.status === 'planning' && !summary.planId && waitSeconds > 0) {
      if (!options.json)
        await printError(
          `planning started: discovery ${summary.discoveryId}; waiting for the plan...\n`,
        );
      const waited = await waitForPlanId(
        client,
        conversationId,
        waitSeconds,
        options.intervalMs ?? 500,
      );
      if ('planId' in waited) summary.planId = waited.planId;
      else summary.planError = waited.error;
    }
    if (options.json) await print(`${JSON.stringify(summary)}\n`);
    else if (summary.planId)
      await print(
        `plan ${summary.planId} is being written: GET /api/v1/masterplan/${summary.planId} ` +
          `(approve with POST /api/v1/masterplan/${summary.planId}/approve)\n`,
      );
    else if (summary.planError) await printError(`${summary.planError}\n`);
    return summary;
  }

  if (options.message !== undefined) {
    const summary = await turn(options.message.trim());
    if (!options.json && summary.status !== 'planning')
      await printError(
        `conversation ${summary.conversationId}: continue with --conversation ${summary.conversationId}\n`,
      );
    return summary.planError ? 1 : 0;
  }

  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: false });
  try {
    if (!options.json)
      await printError(
        'Describe what you want built; answer the questions; say "go" to start planning. Ctrl-D ends.\n',
      );
    if (!options.json) await printError('you> ');
    for await (const line of rl) {
      if (line.trim()) {
        const summary = await turn(line.trim());
        if (summary.status === 'planning') return summary.planError ? 1 : 0;
      }
      if (!options.json) await printError('you> ');
    }
  } finally {
    rl.close();
  }
  if (conversationId && !options.json)
    await printError(
      `conversation ${conversationId}: continue with --conversation ${conversationId}\n`,
    );
  return 0;
}
