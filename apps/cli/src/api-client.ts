import type { PlanInput } from '@mge/core';
import type { PlanView } from '@mge/pipeline';

/** The few calls the CLI makes to a running API. */
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

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(new URL(path, this.baseUrl), {
        method,
        headers: {
          authorization: `Bearer ${this.apiKey}`,
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
    } catch (cause) {
      throw new Error(
        `cannot reach the MGE API at ${this.baseUrl}: is \`npx mge up\` running? (set MGE_API_URL to point elsewhere)`,
        { cause },
      );
    }
    const payload = (await response.json().catch(() => ({}))) as { error?: { message?: string } };
    if (!response.ok)
      throw new Error(
        `${method} ${path} answered ${response.status}: ${payload.error?.message ?? response.statusText}`,
      );
    return payload as T;
  }
}
