/** What every LLM provider answers to. */
export interface GenerateRequest {
  planId: string;
  /** The atom's id; in MVP mode, the id of the task whose whole file is asked for. */
  atomId: string;
  /** The atom's file; tells the `sim` provider which language its faults must break. */
  file: string;
  /** Stable prefix first (system + plan digest + dependency code) so prompt caching hits. */
  system: string;
  prompt: string;
  /** The atom's drafted code: the spec; the offline provider returns it unchanged. */
  draftCode: string;
  complexity: number;
  /** Which attempt this is (1-based); the `sim` provider's fault rate falls with it. */
  attempt: number;
  /** Chosen by the caller with `chooseModel` so the response cache can key on it. */
  model: string;
  maxTokens?: number;
  signal?: AbortSignal;
}

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  /** Input tokens read from the prompt cache. */
  cachedTokens: number;
  /** Input tokens written to the prompt cache. */
  cacheWriteTokens: number;
}

export interface GenerateResult {
  text: string;
  usage: TokenUsage;
  model: string;
  /** `refusal`: the model declined (Messages API `stop_reason: "refusal"`). */
  stopReason: 'end_turn' | 'max_tokens' | 'stop_sequence' | 'refusal' | 'other';
  /** True when produced by the `sim` provider: such figures must be labelled simulated. */
  simulated: boolean;
}

export interface LlmProvider {
  readonly name: 'offline' | 'anthropic' | 'sim';
  generate(request: GenerateRequest): Promise<GenerateResult>;
  /** Concurrency the provider's rate-limit headers currently allow, when it knows. */
  suggestedConcurrency?(): number | undefined;
  /** The provider's asynchronous batch API (half price, answers later), when it has one. */
  readonly batches?: LlmBatches;
}

/** One request of a batch; `customId` (`^[a-zA-Z0-9_-]{1,64}$`) comes back with its result. */
export interface BatchRequest {
  customId: string;
  request: GenerateRequest;
}

/** One request's outcome in an ended batch. */
export type BatchResult = { customId: string } & (
  | { type: 'succeeded'; result: GenerateResult }
  | { type: 'errored' | 'canceled' | 'expired'; error: string }
);

export interface BatchStatus {
  id: string;
  /** `ended`: every request has a result (succeeded, errored, canceled or expired). */
  status: 'in_progress' | 'canceling' | 'ended';
  endedAt: Date | undefined;
}

/** An asynchronous batch API (Anthropic's Message Batches): submit now, collect results later. */
export interface LlmBatches {
  create(requests: readonly BatchRequest[]): Promise<{ id: string }>;
  retrieve(id: string): Promise<BatchStatus>;
  /** The results of an ended batch, in any order. */
  results(id: string): AsyncIterable<BatchResult>;
}
