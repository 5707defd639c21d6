import type { CorpusStats } from './bm25.js';
import { tokenize } from './tokenize.js';

/**
 * Turns text into vectors for Chroma. The offline `HashedEmbedder` is the default; a production
 * deployment may plug in an external provider (an HTTP embedding API) behind the same interface.
 */
export interface Embedder {
  /** Recorded on the collection: vectors of different embedders never meet. */
  readonly name: string;
  readonly dimensions: number;
  embedDocuments(texts: readonly string[]): Promise<number[][]>;
  /** `stats` describes the indexed corpus; embedders that learn no weights ignore it. */
  embedQuery(text: string, stats?: CorpusStats): Promise<number[]>;
}

export interface HashedEmbedderOptions {
  /** @defaultValue 1024 */
  dimensions?: number;
  /** Weight of a term's character trigrams relative to the term. @defaultValue 0.5 */
  trigramWeight?: number;
  /** Weight of adjacent-term pairs. @defaultValue 0.25 */
  bigramWeight?: number;
}

/** A feature (a term, one of its character trigrams, a term pair) and the terms it came from. */
interface Feature {
  key: string;
  weight: number;
  terms: readonly string[];
}

/**
 * An offline, code-aware embedder: no model to download. Text is tokenized like code
 * (identifiers split, stemmed), and each term, each of its character trigrams (so `serialize`
 * meets `serializer`) and each pair of adjacent terms is hashed into a signed bucket (the hashing
 * trick), weighted by 1 + ln(tf). Documents are embedded without corpus statistics, so indexing
 * is incremental; the query side is weighted by the corpus's IDF, which makes the cosine
 * similarity an IDF-weighted match (a term in every document counts for almost nothing).
 * The default weights were chosen on a development split of the code-search benchmark that is
 * disjoint from the split docs/benchmarks.md reports.
 */
export class HashedEmbedder implements Embedder {
  readonly name: string;
  readonly dimensions: number;
  private readonly trigramWeight: number;
  private readonly bigramWeight: number;

  constructor(options: HashedEmbedderOptions = {}) {
    this.dimensions = options.dimensions ?? 1024;
    this.trigramWeight = options.trigramWeight ?? 0.5;
    this.bigramWeight = options.bigramWeight ?? 0.25;
    this.name = `mge-hashed-v2-${this.dimensions}`;
  }

  embedDocuments(texts: readonly string[]): Promise<number[][]> {
    return Promise.resolve(texts.map((t) => this.vector(t)));
  }

  embedQuery(text: string, stats?: CorpusStats): Promise<number[]> {
    return Promise.resolve(
      this.vector(text, stats && stats.documents > 0 ? (t) => stats.idf(t) : undefined),
    );
  }

  /** The L2-normalised vector of a text; `idf` weights each feature by its terms' mean IDF. */
  vector(text: string, idf?: (term: string) => number): number[] {
    const counts = new Map<string, { feature: Feature; tf: number }>();
    for (const feature of this.features(tokenize(text))) {
      const seen = counts.get(feature.key);
      if (seen) seen.tf += 1;
      else counts.set(feature.key, { feature, tf: 1 });
    }
    const v = new Array<number>(this.dimensions).fill(0);
    for (const { feature, tf } of counts.values()) {
      const weight = idf
        ? feature.terms.reduce((sum, t) => sum + idf(t), 0) / feature.terms.length
        : 1;
      const h = fnv1a(feature.key);
      const sign = h & 0x80000000 ? -1 : 1;
      v[h % this.dimensions]! += sign * feature.weight * (1 + Math.log(tf)) * weight;
    }
    const norm = Math.hypot(...v);
    return norm === 0 ? v : v.map((x) => x / norm);
  }

  private *features(terms: readonly string[]): Generator<Feature> {
    for (let i = 0; i < terms.length; i++) {
      const term = terms[i]!;
      yield { key: `t:${term}`, weight: 1, terms: [term] };
      const padded = `^${term}$`;
      for (let j = 0; j + 3 <= padded.length; j++)
        yield { key: `c:${padded.slice(j, j + 3)}`, weight: this.trigramWeight, terms: [term] };
      const next = terms[i + 1];
      if (next !== undefined)
        yield { key: `b:${term} ${next}`, weight: this.bigramWeight, terms: [term, next] };
    }
  }
}

/** 32-bit FNV-1a: a fast, well-spread, dependency-free string hash. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
