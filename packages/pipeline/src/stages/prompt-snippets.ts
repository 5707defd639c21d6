import { findRetrievals, recordRetrievals, type Masterplan, type NewPlanRetrieval } from '@mge/db';
import type { PromptSnippet } from '@mge/llm';
import type { Snippet } from '@mge/rag';
import type { Resources } from '../runtime/resources.js';

export interface SnippetSubject {
  kind: 'atom' | 'task';
  id: string;
  /** What the subject is for: its kind, name, file and drafted code. */
  query: string;
}

/** Whose prompt: a plan's subject (atom, task, its planning steps) or a discovery document's. */
export interface SnippetOwner {
  tenantId: string | null;
  masterplanId?: string;
  discoveryId?: string;
  language?: string;
}

/**
 * The snippets a subject's prompt carries: the ones recorded for it when any (every later attempt
 * and every re-run reuse them, so the prompt and its response-cache key stay the same while the
 * index grows), else retrieved for the plan's tenant within `MGE_RAG_TOKEN_BUDGET` and recorded
 * (an empty retrieval too, as a marker). Retrieval off, or Chroma failing: none, not recorded (the
 * next attempt tries again), and a warning. Generation never waits on retrieval to succeed.
 */
export function promptSnippets(
  r: Resources,
  plan: Masterplan,
  subject: SnippetSubject,
): Promise<PromptSnippet[]> {
  return retrieveForPrompt(
    r,
    { tenantId: plan.tenantId, masterplanId: plan.id, language: plan.language },
    { ...subject, include: 'code' },
  );
}

/**
 * `promptSnippets` for any owner and subject kind: the planner's discovery and masterplan steps
 * retrieve `all` (task descriptions and uploaded documents too), generation `code` only.
 */
export async function retrieveForPrompt(
  r: Resources,
  owner: SnippetOwner,
  subject: {
    kind: NewPlanRetrieval['subjectKind'];
    id: string;
    query: string;
    include: 'code' | 'all';
  },
): Promise<PromptSnippet[]> {
  if (!r.rag || !owner.tenantId) return [];
  const recorded = await findRetrievals(r.db, subject.id);
  if (recorded.length > 0) return recorded.filter((s) => s.rank >= 0);
  let snippets: Snippet[];
  try {
    snippets = await r.rag.retrieve({
      tenantId: owner.tenantId,
      query: subject.query,
      language: owner.language,
      tokenBudget: r.config.rag.tokenBudget,
      include: subject.include,
    });
  } catch (err) {
    r.logger.warn(
      { err, planId: owner.masterplanId, discoveryId: owner.discoveryId, subjectId: subject.id },
      'retrieval failed: no snippets',
    );
    return [];
  }
  const base = {
    masterplanId: owner.masterplanId ?? null,
    discoveryId: owner.discoveryId ?? null,
    subjectKind: subject.kind,
    subjectId: subject.id,
  };
  const rows =
    snippets.length > 0
      ? snippets.map((s, rank) => ({ ...base, rank, ...s }))
      : [
          {
            ...base,
            rank: -1,
            source: '',
            sourceId: '',
            file: '',
            name: '',
            language: '',
            code: '',
            score: 0,
            tokens: 0,
          },
        ];
  const kept = await recordRetrievals(r.db, subject.id, rows);
  return kept.filter((s) => s.rank >= 0);
}
