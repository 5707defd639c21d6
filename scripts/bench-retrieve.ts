/**
 * Latency of one prompt's retrieval (`Retriever.retrieve`: the tenant's plans and documents and
 * the shared examples, each fused dense + lexical, fused again, trimmed to the budget) against a
 * real Chroma server. Queries are the atoms of the bundled example plans, as the executor asks
 * (kind, name, file and draft). The first query of each collection builds its BM25 index and is
 * reported apart.
 *
 *   node -r esbuild-register scripts/bench-retrieve.ts --chroma URL --tenant ID [--budget 600] [--rounds 5]
 */
import { parseArgs } from 'node:util';
import { chromaClient, chunkPlan, RagStore, Retriever } from '@mge/rag';
import { DEFAULT_EXAMPLES_DIR, readExamplePlans } from '@mge/pipeline';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      chroma: { type: 'string' },
      tenant: { type: 'string' },
      budget: { type: 'string', default: '600' },
      rounds: { type: 'string', default: '5' },
    },
  });
  if (!values.chroma || !values.tenant)
    throw new Error('--chroma URL and --tenant ID are required');
  const retriever = new Retriever(new RagStore(chromaClient(values.chroma)));
  const examples = await readExamplePlans(DEFAULT_EXAMPLES_DIR);
  const queries = examples
    .flatMap((e) => chunkPlan(e.name, e.tasks))
    .filter((d) => d.kind !== 'task')
    .map((d) => `${d.kind} ${d.name} in ${d.file}\n${d.text}`);
  const budget = Number(values.budget);
  const timings: number[] = [];
  let first = 0;
  let snippets = 0;
  let tokens = 0;
  for (let round = 0; round < Number(values.rounds); round++)
    for (const query of queries) {
      const started = performance.now();
      const found = await retriever.retrieve({
        tenantId: values.tenant,
        query,
        language: 'typescript',
        tokenBudget: budget,
        include: 'code',
      });
      const ms = performance.now() - started;
      if (round === 0 && timings.length === 0 && first === 0) first = ms;
      else timings.push(ms);
      snippets += found.length;
      tokens += found.reduce((t, s) => t + s.tokens, 0);
    }
  timings.sort((a, b) => a - b);
  const at = (q: number) => timings[Math.min(timings.length - 1, Math.floor(q * timings.length))]!;
  const calls = timings.length + 1;
  process.stdout.write(
    `${JSON.stringify({
      queries: calls,
      budget,
      firstMs: Number(first.toFixed(1)),
      p50Ms: Number(at(0.5).toFixed(1)),
      p95Ms: Number(at(0.95).toFixed(1)),
      meanSnippets: Number((snippets / calls).toFixed(2)),
      meanTokens: Number((tokens / calls).toFixed(1)),
    })}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
