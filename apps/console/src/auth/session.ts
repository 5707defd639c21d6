/**
 * The one place that knows how the console authenticates: a person's cookie session
 * (docs/architecture.md "Accounts"). The API sets three cookies at sign-in: `mge_session` (the
 * short-lived access token, httpOnly), `mge_refresh` (httpOnly, scoped to the refresh path) and
 * `mge_csrf` (readable here). Every unsafe request echoes `mge_csrf` in `x-csrf-token`; a 401
 * spends the refresh cookie once (one refresh at a time: a replayed refresh token ends the
 * session) and retries. The WebSocket rides on the same cookie. API keys stay for machines.
 */
import type { Identity } from '../api/types';

export const CSRF_COOKIE = 'mge_csrf';
export const CSRF_HEADER = 'x-csrf-token';
const REFRESH_URL = '/api/v2/auth/session/refresh';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function cookie(name: string): string | null {
  for (const part of document.cookie.split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name)
      return decodeURIComponent(part.slice(at + 1).trim());
  }
  return null;
}

/**
 * Whether a session may exist: the CSRF cookie lives as long as the browser session, so without it
 * there is nothing to refresh and the sign-in page shows at once (no 401 to provoke).
 */
export function mayHaveSession(): boolean {
  return cookie(CSRF_COOKIE) !== null;
}

/** Adds the CSRF echo to an unsafe request. */
function withCsrf(request: Request): Request {
  if (SAFE_METHODS.has(request.method.toUpperCase())) return request;
  const token = cookie(CSRF_COOKIE);
  if (token) request.headers.set(CSRF_HEADER, token);
  return request;
}

let refreshing: Promise<boolean> | undefined;

/** Spends the refresh cookie for a fresh access token; one at a time. True when it worked. */
export function refreshSession(): Promise<boolean> {
  refreshing ??= (async () => {
    try {
      if (!mayHaveSession()) return false;
      const response = await fetch(withCsrf(new Request(REFRESH_URL, { method: 'POST' })), {
        credentials: 'same-origin',
      });
      return response.ok;
    } catch {
      return false;
    } finally {
      refreshing = undefined;
    }
  })();
  return refreshing;
}

/** Requests a 401 must not refresh for: the auth endpoints themselves. */
const NO_REFRESH = /\/api\/v2\/auth\/(session|password-reset|invitations\/accept)(\/|$|\?)/;

/**
 * The `fetch` the typed client uses: the CSRF echo on unsafe methods; on a 401, one refresh and
 * one retry (with the rotated CSRF token).
 */
export async function sessionFetch(request: Request): Promise<Response> {
  const retry = request.clone();
  const response = await fetch(withCsrf(request));
  if (response.status !== 401 || NO_REFRESH.test(new URL(request.url).pathname)) return response;
  if (!(await refreshSession())) return response;
  return fetch(withCsrf(retry));
}

let identity: Identity | null = null;

export function currentIdentity(): Identity | null {
  return identity;
}

export function setIdentity(next: Identity | null): void {
  identity = next;
}

/**
 * The tenant part of query keys: the signed-in user (or tenant), so two sign-ins in one tab keep
 * their caches apart (the cache is also cleared at sign-out).
 */
export function tenantScope(): string {
  return identity ? `${identity.tenantId}:${identity.user?.id ?? 'key'}` : 'anonymous';
}

/** Query parameters a WebSocket URL carries: none, the session cookie rides along. */
export function socketParams(): Record<string, string> {
  return {};
}
