import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { GenerateRequest, GenerateResult, LlmProvider } from './provider.js';

export type SimFault = 'syntax' | 'name' | 'logic';

export interface SimSettings {
  seed: number;
  /** Uniform latency range per call, in ms. */
  latencyMs: readonly [number, number];
  /** Probability that a first attempt comes back faulty. */
  faultRate: number;
  /** Each retry multiplies the fault probability by this (feedback helps). @defaultValue 0.35 */
  faultDecay?: number;
  /** Which faults to inject. @defaultValue ['syntax'] (the ones L1 catches) */
  faults?: readonly SimFault[];
}

/**
 * SIMULATED LLM for benchmarks and chaos tests: seeded latency and fault injection whose rate
 * falls with each attempt. Deterministic per (seed, atom content, attempt); every result says
 * `simulated: true` and uses `sim-*` model names so reports can label it.
 */
export class SimProvider implements LlmProvider {
  readonly name = 'sim';
  private readonly seenPrefixes = new Set<string>();
  private inFlight = 0;
  /** Highest number of calls in flight at once in this process. */
  maxInFlight = 0;
  calls = 0;

  constructor(private readonly settings: SimSettings) {}

  async generate(request: GenerateRequest): Promise<GenerateResult> {
    // Keyed by the atom's content, not its id: the same plan and seed replay the same faults.
    const random = seededRandom(
      `${this.settings.seed}:${request.file}:${request.draftCode}:${request.attempt}`,
    );
    const [min, max] = this.settings.latencyMs;
    this.calls++;
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      const latency = min + random() * (max - min);
      if (latency > 0)
        await sleep(latency, undefined, request.signal ? { signal: request.signal } : undefined);
      const probability =
        this.settings.faultRate * (this.settings.faultDecay ?? 0.35) ** (request.attempt - 1);
      const faults = this.settings.faults ?? ['syntax'];
      const fault =
        random() < probability ? faults[Math.floor(random() * faults.length)] : undefined;
      const text = fault ? injectFault(request.draftCode, fault, request.file) : request.draftCode;
      const prefixSeen = this.seenPrefixes.has(request.system);
      this.seenPrefixes.add(request.system);
      const systemTokens = tokens(request.system);
      return {
        text,
        usage: {
          inputTokens: tokens(request.prompt),
          outputTokens: tokens(text),
          cachedTokens: prefixSeen ? systemTokens : 0,
          cacheWriteTokens: prefixSeen ? 0 : systemTokens,
        },
        model: request.model,
        stopReason: 'end_turn',
        simulated: true,
      };
    } finally {
      this.inFlight--;
    }
  }
}

/** A fault of the given class, in the language of `file`. */
export function injectFault(code: string, fault: SimFault, file: string): string {
  const python = file.endsWith('.py');
  switch (fault) {
    case 'syntax':
      // An unbalanced bracket at the end: a parse error in every supported grammar.
      return `${code.trimEnd()}\n${python ? 'x = (' : 'const __sim = (;'}\n`;
    case 'name': {
      // Rename the first identifier after `return` so it no longer resolves.
      const renamed = code.replace(/\breturn\s+([A-Za-z_]\w*)/, 'return $1_undefined');
      return renamed === code
        ? `${code.trimEnd()}\n${python ? 'sim_undefined_name()' : 'simUndefinedName();'}\n`
        : renamed;
    }
    case 'logic': {
      const mutated = code.replace(/ \+ /, ' - ');
      return mutated === code ? code.replace(/ < /, ' <= ') : mutated;
    }
  }
}

/** Rough token count (4 characters per token) for simulated usage. */
function tokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** mulberry32 seeded from a string: reproducible runs. */
function seededRandom(key: string): () => number {
  let state = createHash('sha256').update(key).digest().readUInt32LE(0);
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
