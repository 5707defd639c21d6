export type {
  BatchRequest,
  BatchResult,
  BatchStatus,
  GenerateRequest,
  GenerateResult,
  LlmBatches,
  LlmProvider,
  TokenUsage,
} from './provider.js';
export { OfflineProvider } from './offline-provider.js';
export { AnthropicProvider, stripCodeFence, type AnthropicSettings } from './anthropic-provider.js';
export { SimProvider, injectFault, type SimFault, type SimSettings } from './sim-provider.js';
export { createLlmProvider, type ProviderSettings } from './create-provider.js';
export {
  BATCH_PRICE_FACTOR,
  chooseModel,
  costOf,
  type CallChannel,
  DEFAULT_PRICES,
  priceTableSchema,
  type ModelPrice,
  type ModelRouting,
} from './pricing.js';
export { promptHash } from './prompt-hash.js';
export {
  buildAtomPrompt,
  buildDraftPrompt,
  buildTestDesignPrompt,
  buildTaskPrompt,
  snippetSection,
  snippetText,
  type AtomPromptInput,
  type DraftPromptInput,
  type TestDesignPromptInput,
  type PromptSnippet,
  type TaskPromptInput,
} from './prompts.js';
export { DEFAULT_MAX_TOKENS, estimateTokens } from './estimate.js';
export { wrapProvider } from './wrap-provider.js';
