import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ModelLimits } from '@mge/config';
import { FakeLimits } from './fake-limits';

/**
 * What the fake answers to one request. With `when`, the step answers only a request whose prompt
 * contains that text (requests made concurrently, e.g. task drafts and test designs, each get
 * their own answer); a step without it answers the next request that no queued `when` matches.
 */
export type Scripted = (
  | { kind: 'ok' }
  /** A scripted answer (a planner's JSON, a truncated or refused one) with its stop reason. */
  | { kind: 'text'; text: string; stopReason?: 'end_turn' | 'max_tokens' | 'refusal' }
  | { kind: 'status'; status: 429 | 529 | 500; retryAfterSeconds?: number }
  | { kind: 'malformed' }
  | { kind: 'hang'; ms: number }
) & { when?: string };

export interface FakeAnthropic {
  url: string;
  /** Requests received, in order (parsed JSON bodies). */
  requests: { model: string; system: unknown; messages: { content: string }[] }[];
  /** Usage the fake reported on successful responses, summed. */
  reported: {
    input: number;
    output: number;
    cacheRead: number;
    cacheWrite: number;
    responses: number;
  };
  /** The per-model limits it enforces and every arrival it counted, when started with limits. */
  limits: FakeLimits | undefined;
  /** Message Batches created, in order (POST /v1/messages/batches). */
  batches: FakeBatch[];
  /**
   * Sets how long batches stay in progress from their creation, for batches in progress too
   * (0 ends them all now).
   */
  setBatchProcessingMs(ms: number): void;
  /** Appends answers to the script (served after what is still queued). */
  script(...steps: Scripted[]): void;
  close(): Promise<void>;
}

/** One batch as the fake holds it: its requests, when it ends, and (once ended) its results. */
export interface FakeBatch {
  id: string;
  requests: { custom_id: string; params: MessageBody }[];
  createdAt: Date;
  endsAt: number;
  results: unknown[] | undefined;
}

/** A Messages API request body as the fake reads it. */
type MessageBody = FakeAnthropic['requests'][number] & { system: { text: string }[] };

/** What one request of a batch gets: an answer, an answer mangled (L1 will refuse it), or an error. */
export type BatchOutcome = 'ok' | 'mangled' | 'errored' | 'expired';

export interface FakeAnthropicOptions {
  /** Per-model limits per `windowMs`, enforced like the real API: 429 with retry-after. */
  limits?: Record<string, ModelLimits>;
  /** @defaultValue 60000 */
  windowMs?: number;
  /** How long a batch stays `in_progress` after it is created. @defaultValue 0 */
  batchProcessingMs?: number;
  /** The outcome of each batch request, in arrival order across batches (then `ok`). */
  batchScript?: BatchOutcome[];
}

/**
 * A local HTTP server speaking the Messages API (POST /v1/messages), for the real SDK to talk to.
 * It answers each request per `script` (then `ok`), and on `ok` returns the drafted code found
 * in the prompt, with usage that counts the system block as a cache read after the first call.
 * With `limits`, an `ok` that would pass a model's limits is answered 429 instead.
 *
 * It also speaks the Message Batches API: POST /v1/messages/batches (create), GET
 * /v1/messages/batches/:id (retrieve: `in_progress` for `batchProcessingMs`, then `ended` with a
 * `results_url`) and GET /v1/messages/batches/:id/results (JSONL, one line per request). Batch
 * requests are answered like `ok` messages (same usage and cache accounting, not counted against
 * `limits`), or per `batchScript`; a queued `text` step with `when` matching a batch request's
 * prompt answers it as it would a direct call (task drafts, test designs). SCRIPTED: its answers, timings and usage are not the service's.
 */
export async function startFakeAnthropic(
  script: Scripted[] = [],
  options: FakeAnthropicOptions = {},
): Promise<FakeAnthropic> {
  const queue = [...script];
  const limits = options.limits && new FakeLimits(options.limits, options.windowMs ?? 60_000);
  const requests: FakeAnthropic['requests'] = [];
  const reported = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, responses: 0 };
  const seenSystems = new Set<string>();
  const batches: FakeBatch[] = [];
  const batchScript = [...(options.batchScript ?? [])];
  let base = '';
  let processingMs = options.batchProcessingMs ?? 0;
  /** The `ok` answer to a request: the draft found in its prompt, and usage. */
  /** An answer to `body`: the scripted `text`, else the draft its prompt carries. */
  const answer = (
    body: MessageBody,
    text?: string,
    stopReason: 'end_turn' | 'max_tokens' | 'refusal' = 'end_turn',
  ) => {
    const prompt = body.messages[0]!.content;
    const draft =
      text ??
      /Specification \(drafted (?:code|file) to write or improve\):\n([\s\S]*?)(?:\n\nAttempt \d+\. The previous attempt failed|$)/.exec(
        prompt,
      )?.[1] ??
      '';
    const system = JSON.stringify(body.system);
    const systemTokens = Math.ceil(body.system.map((b) => b.text).join('').length / 4);
    const usage = {
      input_tokens: Math.ceil(prompt.length / 4),
      output_tokens: Math.ceil(draft.length / 4),
      cache_read_input_tokens: seenSystems.has(system) ? systemTokens : 0,
      cache_creation_input_tokens: seenSystems.has(system) ? 0 : systemTokens,
    };
    const count = () => {
      seenSystems.add(system);
      reported.input += usage.input_tokens;
      reported.output += usage.output_tokens;
      reported.cacheRead += usage.cache_read_input_tokens;
      reported.cacheWrite += usage.cache_creation_input_tokens;
      reported.responses++;
    };
    const message = (id: string, text = draft) => ({
      id,
      type: 'message',
      role: 'assistant',
      model: body.model,
      content: [{ type: 'text', text }],
      stop_reason: stopReason,
      stop_sequence: null,
      usage,
    });
    return { usage, count, message };
  };
  const batchView = (batch: FakeBatch) => {
    const ended = batch.results !== undefined || Date.now() >= batch.endsAt;
    if (ended && !batch.results) batch.results = batch.requests.map(batchResult);
    const counts = { processing: 0, succeeded: 0, errored: 0, canceled: 0, expired: 0 };
    for (const r of (batch.results ?? []) as { result: { type: keyof typeof counts } }[])
      counts[r.result.type]++;
    counts.processing = ended ? 0 : batch.requests.length;
    return {
      id: batch.id,
      type: 'message_batch',
      processing_status: ended ? 'ended' : 'in_progress',
      request_counts: counts,
      created_at: batch.createdAt.toISOString(),
      ended_at: ended ? new Date(Math.min(Date.now(), batch.endsAt)).toISOString() : null,
      expires_at: new Date(batch.createdAt.getTime() + 86_400_000).toISOString(),
      archived_at: null,
      cancel_initiated_at: null,
      results_url: ended ? `${base}/v1/messages/batches/${batch.id}/results` : null,
    };
  };
  const batchResult = (request: FakeBatch['requests'][number], index: number) => {
    const outcome = batchScript.shift() ?? 'ok';
    const { custom_id } = request;
    if (outcome === 'errored')
      return {
        custom_id,
        result: {
          type: 'errored',
          error: { type: 'error', error: { type: 'api_error', message: 'scripted error' } },
        },
      };
    if (outcome === 'expired') return { custom_id, result: { type: 'expired' } };
    // A queued `when` step matching the request's prompt answers it (a task draft, a test design).
    const prompt = request.params.messages[0]?.content ?? '';
    const at = queue.findIndex(
      (s) => s.kind === 'text' && s.when !== undefined && prompt.includes(s.when),
    );
    const step = at >= 0 ? queue.splice(at, 1)[0] : undefined;
    const { count, message } =
      step?.kind === 'text'
        ? answer(request.params, step.text, step.stopReason)
        : answer(request.params);
    count();
    const id = `msg_batch_${index}`;
    const body = message(id);
    if (outcome === 'mangled') body.content = [{ type: 'text', text: 'function (((\n' }];
    return { custom_id, result: { type: 'succeeded', message: body } };
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      const json = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, {
          'content-type': 'application/json',
          'request-id': `req_${requests.length}`,
          ...headers,
        });
        res.end(JSON.stringify(payload));
      };
      const url = req.url ?? '';
      if (url.startsWith('/v1/messages/batches')) {
        const [, id, results] =
          /^\/v1\/messages\/batches(?:\/([\w-]+))?(\/results)?/.exec(url) ?? [];
        if (req.method === 'POST' && !id) {
          const body = JSON.parse(raw) as { requests: FakeBatch['requests'] };
          const batch: FakeBatch = {
            id: `msgbatch_${batches.length + 1}`,
            requests: body.requests,
            createdAt: new Date(),
            endsAt: Date.now() + processingMs,
            results: undefined,
          };
          batches.push(batch);
          json(200, batchView(batch));
          return;
        }
        const batch = batches.find((b) => b.id === id);
        if (req.method !== 'GET' || !batch) {
          json(404, { type: 'error', error: { type: 'not_found_error', message: 'no batch' } });
          return;
        }
        const view = batchView(batch);
        if (!results) {
          json(200, view);
          return;
        }
        if (!batch.results) {
          json(400, {
            type: 'error',
            error: { type: 'invalid_request_error', message: 'in progress' },
          });
          return;
        }
        res.writeHead(200, { 'content-type': 'application/binary' });
        res.end(batch.results.map((r) => JSON.stringify(r)).join('\n') + '\n');
        return;
      }
      if (req.method !== 'POST' || !url.startsWith('/v1/messages')) {
        res.writeHead(404).end();
        return;
      }
      const body = JSON.parse(raw) as MessageBody;
      requests.push(body);
      const prompt = body.messages[0]?.content ?? '';
      const matched = queue.findIndex((s) => s.when !== undefined && prompt.includes(s.when));
      const at = matched >= 0 ? matched : queue.findIndex((s) => s.when === undefined);
      const step: Scripted = (at >= 0 ? queue.splice(at, 1)[0] : undefined) ?? { kind: 'ok' };
      const rateLimited = (headers: Record<string, string>) => {
        const type = 'rate_limit_error';
        json(429, { type: 'error', error: { type, message: type } }, headers);
      };
      switch (step.kind) {
        case 'status': {
          const type =
            step.status === 429
              ? 'rate_limit_error'
              : step.status === 529
                ? 'overloaded_error'
                : 'api_error';
          json(
            step.status,
            { type: 'error', error: { type, message: type } },
            step.retryAfterSeconds !== undefined
              ? { 'retry-after': String(step.retryAfterSeconds) }
              : {},
          );
          return;
        }
        case 'malformed':
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end('{"id": "msg_1", "content": [ oops');
          return;
        case 'hang':
          setTimeout(() => json(200, {}), step.ms).unref();
          return;
        case 'ok':
        case 'text': {
          const { usage, count, message } =
            step.kind === 'text' ? answer(body, step.text, step.stopReason) : answer(body);
          // The API counts uncached input (cache writes included) against the input limit.
          const admitted = limits?.admit(
            body.model,
            usage.input_tokens + usage.cache_creation_input_tokens,
            usage.output_tokens,
          );
          if (admitted && !admitted.ok) {
            rateLimited(admitted.headers);
            return;
          }
          count();
          json(200, message(`msg_${requests.length}`), {
            'anthropic-ratelimit-requests-remaining': '40',
            ...admitted?.headers,
          });
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    requests,
    reported,
    limits,
    batches,
    setBatchProcessingMs(ms) {
      processingMs = ms;
      for (const batch of batches) batch.endsAt = batch.createdAt.getTime() + ms;
    },
    script: (...steps) => queue.push(...steps),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The environment that points a fleet's Anthropic provider at `fake` (SDK retries off). */
export function fakeAnthropicEnv(fake: Pick<FakeAnthropic, 'url'>): Record<string, string> {
  return {
    MGE_LLM_PROVIDER: 'anthropic',
    ANTHROPIC_API_KEY: 'sk-ant-test-key',
    ANTHROPIC_BASE_URL: fake.url,
    MGE_LLM_MAX_RETRIES: '0',
  };
}

/**
 * The env of a test fleet whose model is the fake at `url`: no SDK retries (the script decides
 * every answer), three attempts per planner step and one repair round.
 */
export function plannerFleetEnv(url: string): Record<string, string> {
  return {
    ...fakeAnthropicEnv({ url }),
    MGE_PLANNER_ATTEMPTS: '3',
    MGE_PLANNER_REPAIR_ROUNDS: '1',
  };
}
