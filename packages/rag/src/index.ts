export { Bm25Index, CorpusStats, type Bm25Options, type Ranked } from './bm25.js';
export { chunkFile, chunkPlan, chunkText, type PlanTaskLike, type RagDocument } from './chunk.js';
export { HashedEmbedder, type Embedder, type HashedEmbedderOptions } from './embedder.js';
export { reciprocalRankFusion } from './fusion.js';
export {
  CollectionNotFoundError,
  EmbedderMismatchError,
  RagStore,
  RANKINGS,
  type RagHit,
  type RagQueryOptions,
  type Ranking,
} from './rag-store.js';
export { splitIdentifier, stem, tokenize } from './tokenize.js';
export { extractCodeSearchPairs, type CodeSearchPair } from './code-search-corpus.js';
export { scoreRetrieval, type RetrievalScores } from './retrieval-metrics.js';
export {
  collectionNameProblem,
  RAG_SOURCES,
  SHARED_EXAMPLES,
  tenantCollection,
  type RagSource,
} from './collections.js';
export { Retriever, type PlanAtomLike, type RetrieveRequest } from './retriever.js';
export { fitToBudget, snippetText, snippetTokens, type Snippet } from './snippet-budget.js';
export { chromaClient } from './chroma-client.js';
