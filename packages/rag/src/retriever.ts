import { createHash } from 'node:crypto';
import {
  atomDocument,
  chunkFile,
  chunkPlan,
  retrievable,
  taskDescription,
  taskDocument,
  type PlanTaskLike,
  type RagDocument,
} from './chunk.js';
import { SHARED_EXAMPLES, tenantCollection, type RagSource } from './collections.js';
import { reciprocalRankFusion } from './fusion.js';
import { CollectionNotFoundError, type RagHit, type RagStore } from './rag-store.js';
import { fitToBudget, snippetTokens, type Snippet } from './snippet-budget.js';

export interface RetrieveRequest {
  /** Whose plans and documents are searched; the shared examples are searched for everyone. */
  tenantId: string;
  query: string;
  /** Only code in this language (text documents always qualify). @defaultValue every language */
  language?: string | undefined;
  /** Estimated tokens the snippets may take together (`estimateTokens`). */
  tokenBudget: number;
  /** Snippets at most. @defaultValue 8 */
  k?: number;
  /**
   * `code`: leave out task descriptions (a plan's `task` documents), for prompts that want code to
   * imitate; `all` for planning and search. @defaultValue `all`
   */
  include?: 'code' | 'all';
}

/** A validated atom of a completed plan, as indexed. */
export interface PlanAtomLike {
  id: string;
  taskId: string;
  file: string;
  name: string;
  kind: string;
  startLine: number;
  endLine: number;
  code: string;
}

/**
 * Retrieval for prompts and search: one tenant's completed plans and uploaded documents plus the
 * shared examples, each collection ranked by fused dense + lexical retrieval, the collections'
 * lists fused again by reciprocal rank, duplicates of the same code dropped, and the best kept
 * within a token budget. A tenant's collections are its own (see `tenantCollection`), so one
 * tenant never retrieves another's code.
 */
export class Retriever {
  constructor(private readonly store: RagStore) {}

  async retrieve(request: RetrieveRequest): Promise<Snippet[]> {
    const k = request.k ?? 8;
    const sources: [RagSource, string][] = [
      ['plans', tenantCollection(request.tenantId, 'plans')],
      ['documents', tenantCollection(request.tenantId, 'documents')],
      ['examples', SHARED_EXAMPLES],
    ];
    const lists = await Promise.all(
      sources.map(async ([source, collection]) => {
        const hits = await this.store
          .query(collection, request.query, { k: 4 * k, language: request.language })
          .catch((error: unknown) => {
            if (error instanceof CollectionNotFoundError) return [] as RagHit[];
            throw error;
          });
        return hits.map((hit) => ({ source, hit }));
      }),
    );
    const byKey = new Map(lists.flat().map((h) => [`${h.source}\0${h.hit.id}`, h]));
    const fused = reciprocalRankFusion(
      lists.map((list) =>
        list.map((h) => ({ id: `${h.source}\0${h.hit.id}`, score: h.hit.score })),
      ),
    );
    const seen = new Set<string>();
    const ranked: Snippet[] = [];
    for (const { id, score } of fused) {
      const entry = byKey.get(id);
      if (!entry) continue;
      const code = entry.hit.text.trim();
      if (code === '' || seen.has(code)) continue;
      if (request.include === 'code' && entry.hit.kind === 'task') continue;
      seen.add(code);
      ranked.push(toSnippet(entry.source, entry.hit, score));
    }
    return fitToBudget(ranked, request.tokenBudget).slice(0, k);
  }

  /**
   * Indexes a completed plan for its tenant: one document per task (what it is for) and one per
   * validated atom (or, for a task generated whole, per atom of its code). Re-indexing the plan
   * replaces its documents.
   */
  async indexPlan(
    tenantId: string,
    planId: string,
    language: string,
    tasks: readonly PlanTaskLike[],
    atoms: readonly PlanAtomLike[],
  ): Promise<{ indexed: number }> {
    const group = `plan:${planId}`;
    const taskById = new Map(tasks.map((t) => [t.id, t]));
    const docs: RagDocument[] = tasks.map((t) => taskDocument(`${group}:task:${t.id}`, t));
    for (const a of atoms.filter(retrievable)) {
      const task = taskById.get(a.taskId);
      docs.push({
        ...atomDocument(`${group}:atom:${a.id}`, a.file, language, a),
        ...(task ? { description: taskDescription(task) } : {}),
      });
    }
    const withAtoms = new Set(atoms.map((a) => a.taskId));
    for (const t of tasks)
      if (!withAtoms.has(t.id) && t.code)
        for (const d of chunkFile(t.file, t.code))
          docs.push({ ...d, id: `${group}:${d.id}`, description: taskDescription(t) });
    docs.forEach((d) => (d.group = group));
    return this.store.indexDocuments(tenantCollection(tenantId, 'plans'), docs, {
      replaceGroup: group,
    });
  }

  /** Indexes (or replaces) a document a tenant uploaded: code by atom, other text by section. */
  async indexDocument(tenantId: string, file: string, text: string): Promise<{ indexed: number }> {
    const group = `document:${file}`;
    const docs = chunkFile(file, text).map((d) => ({ ...d, id: `${group}#${d.id}`, group }));
    return this.store.indexDocuments(tenantCollection(tenantId, 'documents'), docs, {
      replaceGroup: group,
    });
  }

  /**
   * Indexes the bundled example plans into the collection every tenant shares, unless it already
   * holds exactly these (a digest of them is the collection's stamp): cheap to call at every start.
   */
  async indexExamples(
    examples: readonly { name: string; tasks: readonly PlanTaskLike[] }[],
  ): Promise<{ indexed: number; unchanged: boolean }> {
    const stamp = createHash('sha256').update(JSON.stringify(examples)).digest('hex').slice(0, 16);
    if ((await this.store.stampOf(SHARED_EXAMPLES)) === stamp)
      return { indexed: 0, unchanged: true };
    let indexed = 0;
    for (const [i, example] of examples.entries()) {
      const group = `example:${example.name}`;
      const docs = chunkPlan(group, example.tasks).map((d) => ({ ...d, group }));
      const last = i === examples.length - 1;
      indexed += (
        await this.store.indexDocuments(SHARED_EXAMPLES, docs, {
          replaceGroup: group,
          ...(last ? { stamp } : {}),
        })
      ).indexed;
    }
    return { indexed, unchanged: false };
  }
}

function toSnippet(source: RagSource, hit: RagHit, score: number): Snippet {
  const base = {
    file: hit.file,
    name: hit.name,
    description: hit.description ?? '',
    code: hit.text.trim(),
  };
  return {
    sourceId: hit.id,
    source,
    ...base,
    language: hit.language,
    score,
    tokens: snippetTokens(base),
  };
}
