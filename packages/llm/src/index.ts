export type { GenerateRequest, GenerateResult, LlmProvider, TokenUsage } from './provider.js';
export { OfflineProvider } from './offline-provider.js';
export { AnthropicProvider, stripCodeFence, type AnthropicSettings } from './anthropic-provider.js';
export { SimProvider, injectFault, type SimFault, type SimSettings } from './sim-provider.js';
export { createLlmProvider, type ProviderSettings } from './create-provider.js';
export { chooseModel, costOf, type ModelPrice, type ModelRouting } from './pricing.js';
export { promptHash } from './prompt-hash.js';
export {
  buildAtomPrompt,
  buildTaskPrompt,
  type AtomPromptInput,
  type TaskPromptInput,
} from './prompts.js';
