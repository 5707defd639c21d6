import { followLive, type LiveFrame } from './live-events.js';
import { printError } from './output.js';
import type { LivePlanSource } from './wait-for-plan.js';
import type { PlanInput } from '@mge/core';
import type { PlanView } from '@mge/pipeline';
import type { Snippet } from '@mge/rag';

/** The few calls the CLI makes to a running API. */
/** The API key the API commands use, or undefined after saying on stderr which variable to set. */
export async function apiKeyFromEnv(command: string): Promise<string | undefined> {
  const key = process.env.MGE_API_KEY ?? process.env.MGE_ADMIN_TOKEN;
  if (!key)
    await printError(
      `mge ${command}: set MGE_API_KEY (from \`npx mge keys create --tenant NAME\`) or MGE_ADMIN_TOKEN\n`,
    );
  return key;
}

export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private readonly apiKey: string,
  ) {}

  async submit(plan: PlanInput): Promise<{ id: string }> {
    return this.request('POST', '/api/v2/plans', plan);
  }

  async plan(id: string): Promise<PlanView> {
    return this.request('GET', `/api/v2/plans/${id}`);
  }

  /** A v1 call by path (the planner's routes answer JSON documents read by shape). */
  v1<T = Record<string, unknown>>(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
  ): Promise<T> {
    return this.request(method, `/api/v1/${path}`, body);
  }

  /** `GET /api/v1/rag/search`: the caller's tenant's plans and documents and the examples. */
  async ragSearch(
    q: string,
    options: { k?: number; language?: string },
  ): Promise<{ results: Snippet[] }> {
    const query = new URLSearchParams({ q });
    if (options.k !== undefined) query.set('k', String(options.k));
    if (options.language) query.set('language', options.language);
    return this.request('GET', `/api/v1/rag/search?${query.toString()}`);
  }

  /** `POST /api/v1/rag/documents`: indexes (or replaces) a document for the caller's tenant. */
  async ragUpload(file: string, text: string): Promise<{ file: string; indexed: number }> {
    return this.request('POST', '/api/v1/rag/documents', { file, text });
  }

  /**
   * Follows a live-progress socket (`/ws/...`) until `onFrame` answers true: true then, false
   * when it cannot be followed (see `followLive`).
   */
  follow(
    path: string,
    onFrame: (frame: LiveFrame) => boolean | Promise<boolean>,
  ): Promise<boolean> {
    return followLive(this.baseUrl, this.apiKey, path, onFrame);
  }

  /** A plan's live socket (`/ws/masterplan/:id`), for `waitForPlan` to follow. */
  livePlan(planId: string): LivePlanSource {
    return { planId, follow: (path, onFrame) => this.follow(path, onFrame) };
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    let response: Response;
    // A GET is retried once: a busy event loop (the embedded fleet shares it with the API) can
    // let the server close an idle keep-alive connection just as the next poll reuses it.
    for (let attempt = 1; ; attempt++) {
      try {
        response = await fetch(new URL(path, this.baseUrl), {
          method,
          headers: {
            authorization: `Bearer ${this.apiKey}`,
            ...(body ? { 'content-type': 'application/json' } : {}),
          },
          ...(body ? { body: JSON.stringify(body) } : {}),
        });
        break;
      } catch (cause) {
        if (method === 'GET' && attempt === 1) continue;
        throw new Error(
          `cannot reach the MGE API at ${this.baseUrl}: is \`npx mge up\` running? (set MGE_API_URL to point elsewhere)`,
          { cause },
        );
      }
    }
    const payload = (await response.json().catch(() => ({}))) as { error?: { message?: string } };
    if (!response.ok)
      throw new Error(
        `${method} ${path} answered ${response.status}: ${payload.error?.message ?? response.statusText}`,
      );
    return payload as T;
  }
}
