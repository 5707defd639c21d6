import type { ModelLimits } from '@mge/config';

/** One request as the fake saw it: when, for which model, what it would count, what it answered. */
export interface Arrival {
  at: number;
  model: string;
  inputTokens: number;
  outputTokens: number;
  status: number;
}

export interface WindowSums {
  requests: number;
  inputTokens: number;
  outputTokens: number;
}

/**
 * The provider's side of rate limits, per model over a rolling window: a request is refused
 * (429) when, with it, the requests, uncached input tokens or output tokens counted in the last
 * `windowMs` would pass a limit. Records every arrival, refused or not, so a test can see the
 * load it was offered, not just what it let through.
 */
export class FakeLimits {
  readonly arrivals: Arrival[] = [];

  constructor(
    private readonly limits: Record<string, ModelLimits>,
    readonly windowMs: number,
  ) {}

  /** Counts the request; returns the 429's headers when it does not fit, else the success's. */
  admit(
    model: string,
    inputTokens: number,
    outputTokens: number,
    now = Date.now(),
  ): { ok: boolean; headers: Record<string, string> } {
    const limit = this.limits[model];
    const used = sums(this.arrivals, model, now - this.windowMs, now, (a) => a.status === 200);
    const over =
      limit !== undefined &&
      (used.requests + 1 > (limit.requestsPerMinute ?? Infinity) ||
        used.inputTokens + inputTokens > (limit.inputTokensPerMinute ?? Infinity) ||
        used.outputTokens + outputTokens > (limit.outputTokensPerMinute ?? Infinity));
    this.arrivals.push({ at: now, model, inputTokens, outputTokens, status: over ? 429 : 200 });
    if (!limit) return { ok: true, headers: {} };
    const counted = over
      ? used
      : {
          requests: used.requests + 1,
          inputTokens: used.inputTokens + inputTokens,
          outputTokens: used.outputTokens + outputTokens,
        };
    const oldest = this.arrivals.find(
      (a) => a.model === model && a.status === 200 && a.at > now - this.windowMs,
    );
    const resetMs = oldest ? oldest.at + this.windowMs - now : this.windowMs;
    const headers: Record<string, string> = {};
    const kinds = [
      ['requests', limit.requestsPerMinute, counted.requests],
      ['input-tokens', limit.inputTokensPerMinute, counted.inputTokens],
      ['output-tokens', limit.outputTokensPerMinute, counted.outputTokens],
    ] as const;
    for (const [kind, cap, count] of kinds) {
      if (cap === undefined) continue;
      headers[`anthropic-ratelimit-${kind}-limit`] = String(cap);
      headers[`anthropic-ratelimit-${kind}-remaining`] = String(Math.max(0, cap - count));
      headers[`anthropic-ratelimit-${kind}-reset`] = new Date(now + resetMs).toISOString();
    }
    if (over) headers['retry-after'] = String(Math.max(1, Math.ceil(resetMs / 1000)));
    return { ok: !over, headers };
  }

  /**
   * The most the model's requests and tokens came to in any window (ending at an arrival), over
   * every arrival (`offered`) or only the answered ones.
   */
  peaks(model: string, which: 'offered' | 'answered' = 'offered'): WindowSums {
    const seen = (a: Arrival) => which === 'offered' || a.status === 200;
    const peak = { requests: 0, inputTokens: 0, outputTokens: 0 };
    for (const end of this.arrivals.filter((a) => a.model === model && seen(a))) {
      const s = sums(this.arrivals, model, end.at - this.windowMs, end.at, seen);
      peak.requests = Math.max(peak.requests, s.requests);
      peak.inputTokens = Math.max(peak.inputTokens, s.inputTokens);
      peak.outputTokens = Math.max(peak.outputTokens, s.outputTokens);
    }
    return peak;
  }

  /** Requests refused with 429 for a limit. */
  refused(model?: string): number {
    return this.arrivals.filter((a) => a.status === 429 && (!model || a.model === model)).length;
  }
}

/** Sums over arrivals in (from, to] that pass `keep`. */
function sums(
  arrivals: readonly Arrival[],
  model: string,
  from: number,
  to: number,
  keep: (a: Arrival) => boolean,
): WindowSums {
  const s = { requests: 0, inputTokens: 0, outputTokens: 0 };
  for (const a of arrivals) {
    if (a.model !== model || a.at <= from || a.at > to || !keep(a)) continue;
    s.requests++;
    s.inputTokens += a.inputTokens;
    s.outputTokens += a.outputTokens;
  }
  return s;
}
