import { estimateTokens, snippetText, type PromptSnippet } from '@mge/llm';

/** A retrieved piece of code or text, as prompts and API answers show it. */
export interface Snippet {
  /** The document's id in its collection (stable: re-indexing the same unit keeps it). */
  sourceId: string;
  /** Where it came from: the tenant's completed plans, the bundled examples, its uploads. */
  source: 'plans' | 'examples' | 'documents';
  file: string;
  name: string;
  language: string;
  /** What the code is for (its task), when known; empty otherwise. */
  description: string;
  code: string;
  /** Rank-fusion score across every source: higher is better. */
  score: number;
  /** Its estimated prompt cost (`estimateTokens`, the rule budgets and rate limits use). */
  tokens: number;
}

/** The estimated tokens a snippet adds to a prompt: its header line and its code. */
export function snippetTokens(s: PromptSnippet): number {
  return estimateTokens({ system: '', prompt: snippetText(s), draftCode: '' }).inputTokens;
}

export { snippetText };

/**
 * The best snippets whose tokens add up to at most `budget`, in rank order: a snippet too big for
 * what is left is skipped and smaller ones after it may still fit. Budget 0 or less: none.
 */
export function fitToBudget<T extends { tokens: number }>(
  ranked: readonly T[],
  budget: number,
): T[] {
  const kept: T[] = [];
  let left = budget;
  for (const s of ranked) {
    if (s.tokens > left) continue;
    kept.push(s);
    left -= s.tokens;
  }
  return kept;
}
