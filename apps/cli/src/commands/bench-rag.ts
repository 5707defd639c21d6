import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { InvalidInputError } from '@mge/core';
import {
  extractCodeSearchPairs,
  RANKINGS,
  scoreRetrieval,
  type CodeSearchPair,
  type RagDocument,
  type RetrievalScores,
  type Ranking,
} from '@mge/rag';
import { expand, withBadInput, withStore } from './rag.js';

export interface BenchRagOptions {
  functions: string;
  json?: boolean;
}

/**
 * `mge bench-rag PATH... [--functions N] [--json]`: code search measured the CodeSearchNet way on
 * real code nobody here wrote. Each documented Python or JavaScript function under the paths is a
 * document (its code with the doc comment and every comment removed) and its doc comment's first
 * paragraph is the query; the one relevant document of a query is its own function, the others
 * are distractors. Prints MRR@10 and recall@5 of dense, lexical and fused ranking on a real
 * Chroma server (a throwaway collection; a private server in a temporary directory by default).
 */
export async function benchRagCommand(
  paths: readonly string[],
  options: BenchRagOptions,
): Promise<number> {
  return withBadInput('bench-rag', async () => {
    const limit = Number(options.functions);
    if (!Number.isInteger(limit) || limit < 10)
      throw new InvalidInputError('--functions must be an integer of at least 10');
    const files = (await expand(paths)).filter((f) => /\.(py|js)$/.test(f));
    const pairs = sample(await collectPairs(files), limit);
    if (pairs.length === 0)
      throw new InvalidInputError('no documented functions found under the paths');
    // The code alone is indexed, as in CodeSearchNet: no path or name beside it to give hints.
    const documents: RagDocument[] = pairs.map((p) => ({
      id: p.id,
      file: '',
      name: '',
      startLine: 0,
      endLine: 0,
      language: p.language,
      kind: 'function',
      text: p.code,
    }));
    const dir = process.env.CHROMA_URL
      ? undefined
      : mkdtempSync(path.join(tmpdir(), 'mge-bench-rag-'));
    try {
      const report = await withStore(async (store) => {
        const collection = `bench-rag-${randomUUID().slice(0, 8)}`;
        const indexStarted = performance.now();
        await store.indexDocuments(collection, documents);
        const indexMs = performance.now() - indexStarted;
        const scores = {} as Record<Ranking, RetrievalScores & { msPerQuery: number }>;
        try {
          for (const ranking of RANKINGS) {
            const started = performance.now();
            const runs = [];
            for (const pair of pairs) {
              const hits = await store.query(collection, pair.query, { k: 10, ranking });
              runs.push({ relevant: pair.id, ranked: hits.map((h) => h.id) });
            }
            scores[ranking] = {
              ...scoreRetrieval(runs),
              msPerQuery: (performance.now() - started) / pairs.length,
            };
          }
        } finally {
          await store.deleteCollection(collection);
        }
        return { indexMs, scores };
      }, dir);
      const languages = countBy(pairs.map((p) => p.language));
      const result = {
        corpus: { files: files.length, functions: pairs.length, languages },
        indexMs: Math.round(report.indexMs),
        ...Object.fromEntries(
          RANKINGS.map((r) => {
            const s = report.scores[r];
            return [
              r,
              {
                mrrAt10: round(s.mrrAt10),
                recallAt5: round(s.recallAt5),
                msPerQuery: round(s.msPerQuery, 1),
              },
            ];
          }),
        ),
      };
      if (options.json) process.stdout.write(`${JSON.stringify(result)}\n`);
      else
        process.stdout.write(
          `${pairs.length} functions (${Object.entries(languages)
            .map(([l, n]) => `${n} ${l}`)
            .join(', ')}) from ${files.length} files\n` +
            RANKINGS.map((r) => {
              const s = report.scores[r];
              return `${r.padEnd(8)} MRR@10 ${s.mrrAt10.toFixed(3)}  recall@5 ${s.recallAt5.toFixed(3)}  ${s.msPerQuery.toFixed(1)} ms/query\n`;
            }).join(''),
        );
      return 0;
    } finally {
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
  });
}

/** Every pair, without repeated queries or repeated code (a copy would be a second right answer). */
async function collectPairs(files: readonly string[]): Promise<CodeSearchPair[]> {
  const seenQuery = new Set<string>();
  const seenCode = new Set<string>();
  const pairs: CodeSearchPair[] = [];
  for (const file of files) {
    let source: string;
    try {
      source = await readFile(file, 'utf8');
    } catch {
      continue;
    }
    for (const pair of extractCodeSearchPairs(file, source)) {
      if (seenQuery.has(pair.query) || seenCode.has(pair.code)) continue;
      seenQuery.add(pair.query);
      seenCode.add(pair.code);
      pairs.push(pair);
    }
  }
  return pairs;
}

/** A deterministic spread-out sample: the `n` pairs with the smallest hash of their id. */
function sample(pairs: readonly CodeSearchPair[], n: number): CodeSearchPair[] {
  const hash = (s: string) => {
    let h = 0x811c9dc5;
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
    return h >>> 0;
  };
  return [...pairs].sort((a, b) => hash(a.id) - hash(b.id)).slice(0, n);
}

function countBy(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const v of values) counts[v] = (counts[v] ?? 0) + 1;
  return counts;
}

const round = (x: number, digits = 3) => Number(x.toFixed(digits));
