import { tokenize } from './tokenize.js';

/** Okapi BM25 parameters. */
export interface Bm25Options {
  /** Term-frequency saturation. @defaultValue 1.2 */
  k1?: number;
  /** Length normalisation. @defaultValue 0.75 */
  b?: number;
}

export interface Ranked {
  id: string;
  score: number;
}

/**
 * Document frequencies of a corpus: what BM25 and the embedder's query-side IDF weights need.
 * Built in process from the documents (Chroma's own sparse and BM25 indexes do not run on a local
 * server).
 */
export class CorpusStats {
  readonly documentFrequency = new Map<string, number>();
  documents = 0;

  add(terms: readonly string[]): void {
    this.documents += 1;
    for (const term of new Set(terms))
      this.documentFrequency.set(term, (this.documentFrequency.get(term) ?? 0) + 1);
  }

  /** BM25's IDF, always positive: ln(1 + (N - df + 0.5) / (df + 0.5)). */
  idf(term: string): number {
    const df = this.documentFrequency.get(term) ?? 0;
    return Math.log(1 + (this.documents - df + 0.5) / (df + 0.5));
  }
}

/** An in-memory BM25 index over tokenized documents. */
export class Bm25Index {
  readonly stats = new CorpusStats();
  private readonly docs: { id: string; tf: Map<string, number>; length: number }[] = [];
  private totalLength = 0;
  private readonly k1: number;
  private readonly b: number;

  constructor(options: Bm25Options = {}) {
    this.k1 = options.k1 ?? 1.2;
    this.b = options.b ?? 0.75;
  }

  get size(): number {
    return this.docs.length;
  }

  add(id: string, text: string): void {
    const terms = tokenize(text);
    const tf = new Map<string, number>();
    for (const t of terms) tf.set(t, (tf.get(t) ?? 0) + 1);
    this.docs.push({ id, tf, length: terms.length });
    this.totalLength += terms.length;
    this.stats.add(terms);
  }

  /** The best `k` documents for the query, best first; documents sharing no term are left out. */
  search(query: string, k: number): Ranked[] {
    const terms = [...new Set(tokenize(query))];
    const avgLength = this.totalLength / Math.max(1, this.docs.length);
    const ranked: Ranked[] = [];
    for (const doc of this.docs) {
      let score = 0;
      for (const term of terms) {
        const f = doc.tf.get(term);
        if (!f) continue;
        const norm = this.k1 * (1 - this.b + (this.b * doc.length) / Math.max(1, avgLength));
        score += (this.stats.idf(term) * f * (this.k1 + 1)) / (f + norm);
      }
      if (score > 0) ranked.push({ id: doc.id, score });
    }
    return ranked.sort((x, y) => y.score - x.score || (x.id < y.id ? -1 : 1)).slice(0, k);
  }
}
