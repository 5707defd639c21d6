import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the fake answers to one request. */
export type Scripted =
  | { kind: 'ok' }
  | { kind: 'status'; status: 429 | 529 | 500; retryAfterSeconds?: number }
  | { kind: 'malformed' }
  | { kind: 'hang'; ms: number };

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
  close(): Promise<void>;
}

/**
 * A local HTTP server speaking the Messages API (POST /v1/messages), for the real SDK to talk to.
 * It answers each request per `script` (then `ok`), and on `ok` returns the drafted code found
 * in the prompt, with usage that counts the system block as a cache read after the first call.
 */
export async function startFakeAnthropic(script: Scripted[] = []): Promise<FakeAnthropic> {
  const queue = [...script];
  const requests: FakeAnthropic['requests'] = [];
  const reported = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, responses: 0 };
  const seenSystems = new Set<string>();
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      if (req.method !== 'POST' || !req.url?.startsWith('/v1/messages')) {
        res.writeHead(404).end();
        return;
      }
      const body = JSON.parse(raw) as FakeAnthropic['requests'][number];
      requests.push(body);
      const step = queue.shift() ?? { kind: 'ok' };
      const json = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, {
          'content-type': 'application/json',
          'request-id': `req_${requests.length}`,
          ...headers,
        });
        res.end(JSON.stringify(payload));
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
        case 'ok': {
          const prompt = body.messages[0]!.content;
          const draft =
            /Specification \(drafted code to write or improve\):\n([\s\S]*?)(?:\n\nAttempt \d+\. The previous attempt failed|$)/.exec(
              prompt,
            )?.[1] ?? '';
          const system = JSON.stringify(body.system);
          const systemTokens = Math.ceil(system.length / 4);
          const usage = {
            input_tokens: Math.ceil(prompt.length / 4),
            output_tokens: Math.ceil(draft.length / 4),
            cache_read_input_tokens: seenSystems.has(system) ? systemTokens : 0,
            cache_creation_input_tokens: seenSystems.has(system) ? 0 : systemTokens,
          };
          seenSystems.add(system);
          reported.input += usage.input_tokens;
          reported.output += usage.output_tokens;
          reported.cacheRead += usage.cache_read_input_tokens;
          reported.cacheWrite += usage.cache_creation_input_tokens;
          reported.responses++;
          json(
            200,
            {
              id: `msg_${requests.length}`,
              type: 'message',
              role: 'assistant',
              model: body.model,
              content: [{ type: 'text', text: draft }],
              stop_reason: 'end_turn',
              stop_sequence: null,
              usage,
            },
            {
              'anthropic-ratelimit-requests-remaining': '40',
            },
          );
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    reported,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
