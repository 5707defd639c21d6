import type { GenerateRequest, GenerateResult, LlmProvider } from './provider.js';

/**
 * Deterministic and free: returns each atom's drafted code unchanged, so the fleet validates and
 * assembles existing code. The default when no API key is configured.
 */
export class OfflineProvider implements LlmProvider {
  readonly name = 'offline';

  generate(request: GenerateRequest): Promise<GenerateResult> {
    return Promise.resolve({
      text: request.draftCode,
      usage: { inputTokens: 0, outputTokens: 0, cachedTokens: 0, cacheWriteTokens: 0 },
      model: 'offline',
      stopReason: 'end_turn',
      simulated: false,
    });
  }
}
