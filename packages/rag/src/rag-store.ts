import { randomUUID } from 'node:crypto';
import { TransientError } from '@mge/core';
import {
  ChromaConnectionError,
  ChromaNotFoundError,
  type ChromaClient,
  type Collection,
  type Metadata,
  type Where,
} from 'chromadb';
import { Bm25Index, type Ranked } from './bm25.js';
import type { RagDocument } from './chunk.js';
import { HashedEmbedder, type Embedder } from './embedder.js';
import { reciprocalRankFusion } from './fusion.js';

export const RANKINGS = ['fused', 'dense', 'lexical'] as const;
export type Ranking = (typeof RANKINGS)[number];

export interface RagQueryOptions {
  /** Results to return. @defaultValue 5 */
  k?: number;
  /** `fused`: dense and lexical lists merged by reciprocal rank fusion. @defaultValue `fused` */
  ranking?: Ranking;
  /** Candidates each ranker contributes before fusion. @defaultValue max(50, 4k) */
  candidates?: number;
  /**
   * Only code in this language (documents in `text`, such as uploaded notes, always qualify).
   * @defaultValue every language
   */
  language?: string | undefined;
}

/** A retrieved document with its score: higher is better (RRF, cosine similarity or BM25). */
export type RagHit = RagDocument & { score: number };

/** Thrown when querying a collection nothing was indexed into. */
export class CollectionNotFoundError extends Error {
  override readonly name = 'CollectionNotFoundError';
  constructor(readonly collection: string) {
    super(`collection "${collection}" does not exist: index something into it first`);
  }
}

/** Thrown when a collection was built by another embedder (its vectors would not compare). */
export class EmbedderMismatchError extends Error {
  override readonly name = 'EmbedderMismatchError';
  constructor(
    readonly collection: string,
    readonly indexedWith: string,
    readonly queriedWith: string,
  ) {
    super(
      `collection "${collection}" was indexed with ${indexedWith}, not ${queriedWith}: re-index it`,
    );
  }
}

const BATCH = 256;

/**
 * Retrieval over a Chroma server: vectors come from our `Embedder` (never Chroma's default
 * embedding, which downloads a model), nearest neighbours from Chroma, BM25 from an in-process
 * index over the collection's documents, and the two lists are fused by reciprocal rank.
 */
export class RagStore {
  /** The lexical index of each collection, rebuilt when the collection's size changes. */
  private readonly lexical = new Map<
    string,
    { count: number; revision: unknown; index: Bm25Index; docs: Map<string, RagDocument> }
  >();

  constructor(
    private readonly client: ChromaClient,
    private readonly embedder: Embedder = new HashedEmbedder(),
  ) {}

  /**
   * The collection, created when `create` is set; a missing one is a `CollectionNotFoundError`,
   * a server that does not answer a `TransientError` (callers answer 503 or retry).
   */
  private async collection(name: string, create: boolean): Promise<Collection> {
    try {
      return await this.openCollection(name, create);
    } catch (error) {
      if (error instanceof ChromaConnectionError)
        throw new TransientError(`Chroma did not answer: ${error.message}`, undefined, {
          cause: error,
        });
      throw error;
    }
  }

  private async openCollection(name: string, create: boolean): Promise<Collection> {
    const collection = create
      ? await this.client.getOrCreateCollection({
          name,
          embeddingFunction: null,
          configuration: { hnsw: { space: 'cosine' } },
          metadata: { embedder: this.embedder.name },
        })
      : await this.client.getCollection({ name }).catch((error: unknown) => {
          throw error instanceof ChromaNotFoundError ? new CollectionNotFoundError(name) : error;
        });
    const indexedWith = collection.metadata?.embedder;
    if (typeof indexedWith === 'string' && indexedWith !== this.embedder.name)
      throw new EmbedderMismatchError(name, indexedWith, this.embedder.name);
    return collection;
  }

  /**
   * Adds or replaces documents. Documents of a `file` indexed before are removed first when
   * `replaceFiles` is set, so a file that shrank leaves no stale atoms behind; with
   * `replaceGroup`, every document of that group (a plan, an uploaded document) is removed first,
   * so re-indexing it replaces rather than duplicates. The collection's `revision` changes, so
   * every process's lexical index of it is rebuilt on its next query.
   */
  async indexDocuments(
    collectionName: string,
    documents: readonly RagDocument[],
    options: { replaceFiles?: boolean; replaceGroup?: string; stamp?: string } = {},
  ): Promise<{ indexed: number }> {
    const collection = await this.collection(collectionName, true);
    if (options.replaceGroup !== undefined)
      await collection.delete({ where: { group: options.replaceGroup } });
    if (options.replaceFiles)
      for (const file of new Set(documents.map((d) => d.file)))
        await collection.delete({ where: { file } });
    for (let i = 0; i < documents.length; i += BATCH) {
      const batch = documents.slice(i, i + BATCH);
      await collection.upsert({
        ids: batch.map((d) => d.id),
        embeddings: await this.embedder.embedDocuments(batch.map(embeddingText)),
        documents: batch.map((d) => d.text),
        metadatas: batch.map(metadataOf),
      });
    }
    await collection.modify({
      metadata: {
        ...collection.metadata,
        embedder: this.embedder.name,
        revision: randomUUID(),
        ...(options.stamp !== undefined ? { stamp: options.stamp } : {}),
      },
    });
    this.lexical.delete(collectionName);
    return { indexed: documents.length };
  }

  async query(
    collectionName: string,
    text: string,
    options: RagQueryOptions = {},
  ): Promise<RagHit[]> {
    const k = options.k ?? 5;
    const ranking = options.ranking ?? 'fused';
    const candidates = Math.max(options.candidates ?? 50, 4 * k);
    const collection = await this.collection(collectionName, false);
    const { index, docs } = await this.lexicalIndex(collectionName, collection);
    if (docs.size === 0) return [];
    const { language } = options;
    const qualifies = (id: string) => {
      const doc = docs.get(id);
      return (
        doc !== undefined &&
        (language === undefined || doc.language === language || doc.language === 'text')
      );
    };
    const lexical =
      ranking === 'dense'
        ? []
        : index
            .search(text, language ? candidates * 4 : candidates)
            .filter((r) => qualifies(r.id))
            .slice(0, candidates);
    const where: Where | undefined = language
      ? { language: { $in: [language, 'text'] } }
      : undefined;
    const dense =
      ranking === 'lexical' ? [] : await this.dense(collection, text, index, candidates, where);
    const ranked =
      ranking === 'dense'
        ? dense
        : ranking === 'lexical'
          ? lexical
          : reciprocalRankFusion([dense, lexical]);
    return ranked.slice(0, k).flatMap(({ id, score }) => {
      const doc = docs.get(id);
      return doc ? [{ ...doc, score }] : [];
    });
  }

  /** The `stamp` the last indexing of a collection left (say, a digest of what it indexed). */
  async stampOf(name: string): Promise<string | undefined> {
    const collection = await this.collection(name, false).catch((error: unknown) => {
      if (error instanceof CollectionNotFoundError) return undefined;
      throw error;
    });
    const stamp = collection?.metadata?.stamp;
    return typeof stamp === 'string' ? stamp : undefined;
  }

  async deleteCollection(name: string): Promise<void> {
    this.lexical.delete(name);
    await this.client.deleteCollection({ name });
  }

  private async dense(
    collection: Collection,
    text: string,
    index: Bm25Index,
    n: number,
    where: Where | undefined,
  ): Promise<Ranked[]> {
    const result = await collection.query({
      queryEmbeddings: [await this.embedder.embedQuery(text, index.stats)],
      nResults: Math.min(n, index.size),
      include: ['distances'],
      ...(where ? { where } : {}),
    });
    const ids = result.ids[0] ?? [];
    const distances = result.distances[0] ?? [];
    return ids.map((id, i) => ({ id, score: 1 - (distances[i] ?? 1) }));
  }

  private async lexicalIndex(name: string, collection: Collection) {
    const count = await collection.count();
    const revision = collection.metadata?.revision;
    const cached = this.lexical.get(name);
    // Another process may have re-indexed the collection: its revision tells (same count or not).
    if (cached && cached.count === count && cached.revision === revision) return cached;
    const index = new Bm25Index();
    const docs = new Map<string, RagDocument>();
    for (let offset = 0; offset < count; offset += 1000) {
      const page = await collection.get({
        offset,
        limit: 1000,
        include: ['documents', 'metadatas'],
      });
      page.ids.forEach((id, i) => {
        const doc = documentOf(id, page.documents[i] ?? '', page.metadatas[i] ?? {});
        docs.set(id, doc);
        index.add(id, embeddingText(doc));
      });
    }
    const entry = { count, revision, index, docs };
    this.lexical.set(name, entry);
    return entry;
  }
}

/** What is embedded and ranked: the path and name (their identifiers carry meaning) and the text. */
function embeddingText(doc: RagDocument): string {
  return `${doc.file}\n${doc.name}\n${doc.text}`;
}

function metadataOf(doc: RagDocument): Metadata {
  return {
    file: doc.file,
    name: doc.name,
    startLine: doc.startLine,
    endLine: doc.endLine,
    language: doc.language,
    kind: doc.kind,
    ...(doc.description !== undefined ? { description: doc.description } : {}),
    ...(doc.group !== undefined ? { group: doc.group } : {}),
  };
}

function documentOf(id: string, text: string, m: Metadata): RagDocument {
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  const num = (v: unknown) => (typeof v === 'number' ? v : 0);
  return {
    id,
    file: str(m.file),
    name: str(m.name),
    startLine: num(m.startLine),
    endLine: num(m.endLine),
    language: str(m.language),
    kind: str(m.kind),
    text,
    ...(typeof m.description === 'string' ? { description: m.description } : {}),
    ...(typeof m.group === 'string' ? { group: m.group } : {}),
  };
}
