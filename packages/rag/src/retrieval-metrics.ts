/** Code-search metrics (CodeSearchNet): one relevant document per query. */
export interface RetrievalScores {
  queries: number;
  /** Mean of 1 / rank of the relevant document, 0 when it is not in the top 10. */
  mrrAt10: number;
  /** Share of queries whose relevant document is in the top 5. */
  recallAt5: number;
}

/** Scores ranked result lists against the one relevant id of each query. */
export function scoreRetrieval(
  runs: readonly { relevant: string; ranked: readonly string[] }[],
): RetrievalScores {
  let rr = 0;
  let hits = 0;
  for (const { relevant, ranked } of runs) {
    const rank = ranked.indexOf(relevant) + 1;
    if (rank >= 1 && rank <= 10) rr += 1 / rank;
    if (rank >= 1 && rank <= 5) hits += 1;
  }
  const n = Math.max(1, runs.length);
  return { queries: runs.length, mrrAt10: rr / n, recallAt5: hits / n };
}
