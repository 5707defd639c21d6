export type { GenerateRequest, GenerateResult, LlmProvider, TokenUsage } from './provider.js';
export { OfflineProvider } from './offline-provider.js';
export { buildAtomPrompt, type AtomPromptInput } from './prompts.js';
