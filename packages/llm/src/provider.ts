/** What every LLM provider answers to. */
export interface GenerateRequest {
  planId: string;
  atomId: string;
  /** Stable prefix first (system + plan digest + dependency code) so prompt caching hits. */
  system: string;
  prompt: string;
  /** The atom's drafted code: the spec; the offline provider returns it unchanged. */
  draftCode: string;
  complexity: number;
  maxTokens?: number;
  signal?: AbortSignal;
}

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
}

export interface GenerateResult {
  text: string;
  usage: TokenUsage;
  model: string;
  stopReason: 'end_turn' | 'max_tokens' | 'stop_sequence' | 'other';
  /** True when produced by the `sim` provider: such figures must be labelled simulated. */
  simulated: boolean;
}

export interface LlmProvider {
  readonly name: 'offline' | 'anthropic' | 'sim';
  generate(request: GenerateRequest): Promise<GenerateResult>;
}
