import type { GenerateRequest, GenerateResult, LlmProvider } from './provider.js';

/**
 * A provider that answers with `generate` and is otherwise `inner` (its name, its concurrency
 * suggestion, its batch API): the seam for wrappers that meter, limit or otherwise decorate every call.
 */
export function wrapProvider(
  inner: LlmProvider,
  generate: (request: GenerateRequest) => Promise<GenerateResult>,
): LlmProvider {
  return {
    name: inner.name,
    ...(inner.suggestedConcurrency
      ? { suggestedConcurrency: () => inner.suggestedConcurrency?.() }
      : {}),
    ...(inner.batches ? { batches: inner.batches } : {}),
    generate,
  };
}
