import { AnthropicProvider } from './anthropic-provider.js';
import { OfflineProvider } from './offline-provider.js';
import type { LlmProvider } from './provider.js';
import { SimProvider, type SimFault } from './sim-provider.js';

export interface ProviderSettings {
  provider: 'offline' | 'anthropic' | 'sim';
  anthropicApiKey: string | undefined;
  anthropicBaseUrl: string | undefined;
  timeoutMs: number;
  maxRetries: number;
  sim: { latencyMs: [number, number]; faultRate: number; seed: number; faults?: SimFault[] };
}

/** The provider the configuration asks for (`config.llm`). */
export function createLlmProvider(settings: ProviderSettings): LlmProvider {
  switch (settings.provider) {
    case 'offline':
      return new OfflineProvider();
    case 'sim':
      return new SimProvider(settings.sim);
    case 'anthropic':
      if (!settings.anthropicApiKey)
        throw new Error('MGE_LLM_PROVIDER=anthropic needs ANTHROPIC_API_KEY');
      return new AnthropicProvider({
        apiKey: settings.anthropicApiKey,
        baseUrl: settings.anthropicBaseUrl,
        timeoutMs: settings.timeoutMs,
        maxRetries: settings.maxRetries,
      });
  }
}
