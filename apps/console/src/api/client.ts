import createClient from 'openapi-fetch';
import { sessionFetch } from '../auth/session';
import type { paths } from './schema';
import type { ErrorBody } from './types';

/** The typed client: paths, parameters and request bodies come from the API's OpenAPI document. */
export const api = createClient<paths>({ baseUrl: window.location.origin, fetch: sessionFetch });

/** An API error answer: `{ error: { code, message, details? } }` with its HTTP status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** Listeners told when the API rejects the session even after a refresh (the app signs out). */
export const unauthorized = new EventTarget();

/**
 * The body of a successful call, or an `ApiError`. `T` is the view the route answers
 * (`types.ts`): the OpenAPI document does not describe response bodies yet.
 */
export async function unwrap<T>(
  call: Promise<{ data?: unknown; error?: unknown; response: Response }>,
): Promise<T> {
  const { data, error, response } = await call;
  if (response.ok) return data as T;
  const body = (error as ErrorBody | undefined)?.error;
  if (response.status === 401) unauthorized.dispatchEvent(new Event('unauthorized'));
  throw new ApiError(
    response.status,
    body?.code ?? 'http_error',
    body?.message ?? `${response.status} ${response.statusText}`,
    body?.details,
  );
}
