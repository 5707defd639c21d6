import Anthropic, { APIConnectionError, APIError, APIUserAbortError } from '@anthropic-ai/sdk';
import { InvalidInputError, RateLimitedError, TransientError } from '@mge/core';
import { DEFAULT_MAX_TOKENS } from './estimate.js';
import type {
  BatchResult,
  GenerateRequest,
  GenerateResult,
  LlmBatches,
  LlmProvider,
} from './provider.js';
import { RateLimitObserver } from './rate-limit-observer.js';

export interface AnthropicSettings {
  apiKey: string;
  /** Points the SDK at another server speaking the Messages API (tests). */
  baseUrl?: string | undefined;
  timeoutMs: number;
  /** SDK-level retries; the pipeline retries with feedback, so keep this small. */
  maxRetries: number;
  /** @defaultValue 4096 */
  maxTokens?: number;
}

/** Claude through the real @anthropic-ai/sdk: prompt caching, usage, 429/529 as RateLimitedError. */
export class AnthropicProvider implements LlmProvider {
  readonly name = 'anthropic';
  private readonly client: Anthropic;
  private readonly limits = new RateLimitObserver();

  constructor(private readonly settings: AnthropicSettings) {
    this.client = new Anthropic({
      apiKey: settings.apiKey,
      ...(settings.baseUrl ? { baseURL: settings.baseUrl } : {}),
      timeout: settings.timeoutMs,
      maxRetries: settings.maxRetries,
    });
  }

  async generate(request: GenerateRequest): Promise<GenerateResult> {
    try {
      const { data, response } = await this.client.messages
        .create(this.params(request), request.signal ? { signal: request.signal } : undefined)
        .withResponse();
      this.limits.observe(response.headers);
      return toResult(data);
    } catch (error) {
      throw toMgeError(error);
    }
  }

  /** The Message Batches API: the same requests at half price, answered within 24 hours. */
  readonly batches: LlmBatches = {
    create: async (requests) => {
      try {
        const batch = await this.client.messages.batches.create({
          requests: requests.map(({ customId, request }) => ({
            custom_id: customId,
            params: this.params(request),
          })),
        });
        return { id: batch.id };
      } catch (error) {
        throw toMgeError(error);
      }
    },
    retrieve: async (id) => {
      try {
        const batch = await this.client.messages.batches.retrieve(id);
        return {
          id: batch.id,
          status: batch.processing_status,
          endedAt: batch.ended_at ? new Date(batch.ended_at) : undefined,
        };
      } catch (error) {
        throw toMgeError(error);
      }
    },
    results: (id) => this.batchResults(id),
  };

  private async *batchResults(id: string): AsyncGenerator<BatchResult> {
    let decoder;
    try {
      decoder = await this.client.messages.batches.results(id);
    } catch (error) {
      throw toMgeError(error);
    }
    for await (const line of decoder) {
      const { custom_id: customId, result } = line;
      if (result.type === 'succeeded') {
        yield { customId, type: 'succeeded', result: toResult(result.message) };
      } else {
        const error =
          result.type === 'errored'
            ? `${result.error.error.type}: ${result.error.error.message}`
            : result.type;
        yield { customId, type: result.type, error };
      }
    }
  }

  private params(request: GenerateRequest): Anthropic.MessageCreateParamsNonStreaming {
    return {
      model: request.model,
      max_tokens: request.maxTokens ?? this.settings.maxTokens ?? DEFAULT_MAX_TOKENS,
      // The system block is the plan's stable prefix: cached across every atom of the plan.
      system: [{ type: 'text', text: request.system, cache_control: { type: 'ephemeral' } }],
      messages: [{ role: 'user', content: request.prompt }],
    };
  }

  suggestedConcurrency(): number | undefined {
    return this.limits.suggestedConcurrency();
  }
}

function toResult(data: Anthropic.Message): GenerateResult {
  if (!Array.isArray(data.content) || typeof data.usage?.input_tokens !== 'number') {
    throw new TransientError('the Messages API answered with a malformed body');
  }
  const text = data.content
    .flatMap((block) => (block.type === 'text' ? [block.text] : []))
    .join('');
  return {
    text: stripCodeFence(text),
    usage: {
      inputTokens: data.usage.input_tokens,
      outputTokens: data.usage.output_tokens,
      cachedTokens: data.usage.cache_read_input_tokens ?? 0,
      cacheWriteTokens: data.usage.cache_creation_input_tokens ?? 0,
    },
    model: data.model,
    stopReason:
      data.stop_reason === 'end_turn' ||
      data.stop_reason === 'max_tokens' ||
      data.stop_reason === 'stop_sequence' ||
      data.stop_reason === 'refusal'
        ? data.stop_reason
        : 'other',
    simulated: false,
  };
}

/** Maps SDK errors to MGE's: retryability decided here, translated to BullMQ at the queue edge. */
function toMgeError(error: unknown): unknown {
  if (error instanceof APIUserAbortError) return error;
  if (error instanceof APIError && error.status !== undefined) {
    const retryAfterMs =
      retryAfter(error.headers as Headers | undefined) ?? (error.status === 429 ? 5_000 : 10_000);
    if (error.status === 429)
      return new RateLimitedError('Anthropic rate limit (429)', retryAfterMs, { cause: error });
    if (error.status === 529)
      return new RateLimitedError('Anthropic is overloaded (529)', retryAfterMs, { cause: error });
    if (error.status === 401 || error.status === 403) {
      return new InvalidInputError(
        `Anthropic refused the credentials (${error.status}): check ANTHROPIC_API_KEY`,
        undefined,
        { cause: error },
      );
    }
    if (error.status >= 500 || error.status === 408)
      return new TransientError(`Anthropic server error (${error.status})`, undefined, {
        cause: error,
      });
    return new InvalidInputError(
      `Anthropic rejected the request (${error.status}): ${error.message}`,
      undefined,
      { cause: error },
    );
  }
  if (error instanceof APIConnectionError)
    return new TransientError(`cannot reach the Messages API: ${error.message}`, undefined, {
      cause: error,
    });
  // By name: the JSON parser of fetch may throw a SyntaxError of another realm.
  if ((error as { name?: unknown } | null)?.name === 'SyntaxError') {
    return new TransientError('the Messages API answered with a malformed body', undefined, {
      cause: error,
    });
  }
  return error;
}

function retryAfter(headers: Headers | undefined): number | undefined {
  const value = headers?.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** Models sometimes wrap code in a Markdown fence despite the instructions. */
export function stripCodeFence(text: string): string {
  const fenced = /^\s*```[\w-]*\n([\s\S]*?)\n?```\s*$/.exec(text);
  return fenced ? `${fenced[1]}\n` : text;
}
