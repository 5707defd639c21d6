import {
  findCachedResponse,
  findPlan,
  latestRegenerateNote,
  listAtomPrerequisites,
  recordPaidCall,
  type AtomicUnit,
  type Masterplan,
} from '@mge/db';
import { buildAtomPrompt, chooseModel, costOf, promptHash, type GenerateResult } from '@mge/llm';
import { publishProgress } from '../progress.js';
import type { Resources } from '../resources.js';

/** What one call writes: an atom (v2) or, in MVP mode, a whole task (its file's drafted code). */
export interface LlmSubject {
  kind: 'atom' | 'task';
  id: string;
  file: string;
  draftCode: string;
  complexity: number;
}

export function atomSubject(atom: AtomicUnit): LlmSubject {
  const { id, file, draftCode, complexity } = atom;
  return { kind: 'atom', id, file, draftCode, complexity };
}

export interface PreparedCall {
  model: string;
  system: string;
  prompt: string;
  hash: string;
  /** Upper estimate of this call's cost, for the budget check before paying. */
  estimate: { tokens: number; dollars: number };
}

/** Builds the atom's prompt (stable prefix first) and picks the model by complexity. */
export async function prepareCall(
  r: Resources,
  plan: Masterplan,
  atom: AtomicUnit,
  attempt: number,
): Promise<PreparedCall> {
  const dependencies = (await listAtomPrerequisites(r.db, atom.id)).map((d) => ({
    file: d.file,
    name: d.name,
    code: d.code ?? '',
  }));
  const { system, prompt } = buildAtomPrompt({
    planName: plan.name,
    planDigest: plan.input.description ?? '',
    file: atom.file,
    atomName: atom.name,
    atomKind: atom.kind,
    draftCode: atom.draftCode,
    dependencies,
    attempt,
    // Feedback only from attempt 2 on: the latest error, never a transcript.
    lastError:
      attempt > 1
        ? atom.diagnostics
            .map((d) => (d.line ? `line ${d.line}: ${d.message}` : d.message))
            .join('\n') || undefined
        : undefined,
    // Only a review can grant an attempt beyond the budget, so only then is there a note to read.
    reviewerNote:
      attempt > r.config.maxAttempts ? await latestRegenerateNote(r.db, atom.id) : undefined,
  });
  return pricedCall(r, { system, prompt }, atom);
}

/** Picks the model by complexity and estimates the cost (an answer up to twice the draft). */
export function pricedCall(
  r: Resources,
  { system, prompt }: { system: string; prompt: string },
  subject: Pick<LlmSubject, 'complexity' | 'draftCode'>,
): PreparedCall {
  const model = chooseModel(subject.complexity, r.config.llm.models);
  const inputTokens = Math.ceil((system.length + prompt.length) / 4);
  const outputTokens = Math.ceil((subject.draftCode.length * 2) / 4);
  const usage = { inputTokens, outputTokens, cachedTokens: 0, cacheWriteTokens: 0 };
  return {
    model,
    system,
    prompt,
    hash: promptHash({ model, system, prompt }),
    estimate: {
      tokens: inputTokens + outputTokens,
      dollars: costOf(usage, model, r.config.llm.prices).dollars,
    },
  };
}

/** A reason to pause when the call could push the plan past its budget, else undefined. */
export function budgetExceeded(plan: Masterplan, call: PreparedCall): string | undefined {
  if (
    plan.budgetDollars !== null &&
    plan.spentDollars + call.estimate.dollars > plan.budgetDollars
  ) {
    return `budget: $${plan.spentDollars.toFixed(4)} spent of $${plan.budgetDollars} and the next call may cost $${call.estimate.dollars.toFixed(4)}; raise the budget and resume`;
  }
  if (plan.budgetTokens !== null && plan.spentTokens + call.estimate.tokens > plan.budgetTokens) {
    return `budget: ${plan.spentTokens} tokens spent of ${plan.budgetTokens}; raise the budget and resume`;
  }
  return undefined;
}

/**
 * Asks the LLM unless the same model already answered the same prompt (a re-run after a crash
 * reuses the paid answer). A paid call is recorded once per (atom or task, attempt) with its cost.
 */
export async function callLlm(
  r: Resources,
  plan: Masterplan,
  subject: LlmSubject,
  attempt: number,
  call: PreparedCall,
  signal: AbortSignal,
): Promise<{ text: string; latencyMs: number; cached: boolean }> {
  const cached = (await findCachedResponse(r.db, call.hash, call.model)) as
    GenerateResult | undefined;
  if (cached) return { text: cached.text, latencyMs: 0, cached: true };
  const startedAt = new Date();
  const result = await r.llm.generate({
    planId: plan.id,
    atomId: subject.id,
    file: subject.file,
    system: call.system,
    prompt: call.prompt,
    draftCode: subject.draftCode,
    complexity: subject.complexity,
    attempt,
    model: call.model,
    signal,
  });
  const latencyMs = Date.now() - startedAt.getTime();
  const dollars = costOf(result.usage, result.model, r.config.llm.prices).dollars;
  const totals = await r.db.transaction(async (tx) => {
    await recordPaidCall(tx, {
      promptHash: call.hash,
      model: call.model,
      response: result,
      usage: {
        tenantId: plan.tenantId,
        planId: plan.id,
        ...(subject.kind === 'atom' ? { atomId: subject.id } : { taskId: subject.id }),
        attempt,
        model: result.model,
        provider: r.llm.name,
        inputTokens: result.usage.inputTokens,
        outputTokens: result.usage.outputTokens,
        cachedTokens: result.usage.cachedTokens,
        cacheWriteTokens: result.usage.cacheWriteTokens,
        dollars,
        simulated: result.simulated,
        startedAt,
        latencyMs,
      },
    });
    // Read in the call's transaction, after its update: the plan's total including this call.
    return (await findPlan(tx, plan.id)) ?? plan;
  });
  const { inputTokens, outputTokens, cachedTokens, cacheWriteTokens } = result.usage;
  await publishProgress(r, plan.id, [
    {
      type: 'cost',
      ...(subject.kind === 'atom' ? { atomId: subject.id } : { taskId: subject.id }),
      attempt,
      model: result.model,
      dollars,
      tokens: inputTokens + outputTokens + cachedTokens + cacheWriteTokens,
      simulated: result.simulated,
      spentDollars: totals.spentDollars,
      spentTokens: totals.spentTokens,
    },
  ]);
  return { text: result.text, latencyMs, cached: false };
}
