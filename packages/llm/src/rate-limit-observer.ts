/**
 * Reads `anthropic-ratelimit-*` response headers and turns them into a concurrency suggestion,
 * so a fleet slows down before it meets 429s instead of after.
 */
export class RateLimitObserver {
  private requestsRemaining: number | undefined;
  private tokensRemaining: number | undefined;

  observe(headers: Headers): void {
    this.requestsRemaining =
      numberHeader(headers, 'anthropic-ratelimit-requests-remaining') ?? this.requestsRemaining;
    this.tokensRemaining =
      numberHeader(headers, 'anthropic-ratelimit-input-tokens-remaining') ??
      numberHeader(headers, 'anthropic-ratelimit-tokens-remaining') ??
      this.tokensRemaining;
  }

  /**
   * Half the requests left in the current window (leaving room for other replicas), at least 1;
   * undefined until a header has been seen. When input tokens run low (< 10k) it suggests 1.
   */
  suggestedConcurrency(): number | undefined {
    if (this.tokensRemaining !== undefined && this.tokensRemaining < 10_000) return 1;
    if (this.requestsRemaining === undefined) return undefined;
    return Math.max(1, Math.floor(this.requestsRemaining / 2));
  }
}

function numberHeader(headers: Headers, name: string): number | undefined {
  const value = headers.get(name);
  if (value === null) return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}
