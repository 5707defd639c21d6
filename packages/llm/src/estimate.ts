import type { GenerateRequest } from './provider.js';

/** `max_tokens` when the request does not set it. */
export const DEFAULT_MAX_TOKENS = 4096;

/**
 * Tokens a call will likely take before it is made: input at four characters a token per block,
 * output an answer up to twice the draft (the spec), never more than `max_tokens`. Rate limiting
 * reserves this and settles the real usage afterwards.
 */
export function estimateTokens(
  request: Pick<GenerateRequest, 'system' | 'prompt' | 'draftCode' | 'maxTokens'>,
): { inputTokens: number; outputTokens: number } {
  return {
    inputTokens: Math.ceil(request.system.length / 4) + Math.ceil(request.prompt.length / 4),
    outputTokens: Math.min(
      request.maxTokens ?? DEFAULT_MAX_TOKENS,
      Math.ceil((request.draftCode.length * 2) / 4),
    ),
  };
}
