import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { parse as parseCookies } from 'cookie';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { findApiKey, type Db, type Role } from '@mge/db';
import { sendError } from './http-errors.js';
import { ACCESS_COOKIE, CSRF_HEADER, csrfOk, type Sessions } from './accounts/sessions.js';

export interface Caller {
  tenantId: string;
  role: Role;
  /** Who acted, for audit trails: the key's public prefix (never the key), or the user's email. */
  keyPrefix: string;
  /** The signed-in person; undefined for an API key. */
  userId?: string;
}

declare module 'express-serve-static-core' {
  interface Request {
    caller?: Caller;
  }
}

export interface AuthSettings {
  db: Db;
  /** `MGE_ADMIN_TOKEN`: an admin key for the default tenant (development, demo). */
  adminToken: string | undefined;
  defaultTenantId: string;
  /** Checks people's session cookies. */
  sessions: Sessions;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The key from `Authorization: Bearer KEY`, or from Basic auth's password (browsers, Bull Board). */
export function presentedKey(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization ?? '';
  const [scheme, value] = header.split(' ', 2);
  if (scheme?.toLowerCase() === 'bearer' && value) return value.trim();
  if (scheme?.toLowerCase() === 'basic' && value) {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    return decoded.slice(decoded.indexOf(':') + 1) || undefined;
  }
  return undefined;
}

export function requestCookies(req: IncomingMessage): Record<string, string | undefined> {
  return parseCookies(req.headers.cookie ?? '');
}

/** The caller a key stands for, or undefined when it is unknown or revoked. */
export async function resolveCaller(
  settings: AuthSettings,
  key: string,
): Promise<Caller | undefined> {
  if (settings.adminToken && sameSecret(key, settings.adminToken))
    return { tenantId: settings.defaultTenantId, role: 'admin', keyPrefix: 'MGE_ADMIN_TOKEN' };
  const found = await findApiKey(settings.db, key);
  return found && { tenantId: found.tenantId, role: found.role, keyPrefix: found.prefix };
}

/** The signed-in person a valid session cookie stands for. */
export async function sessionCaller(
  settings: AuthSettings,
  cookies: Record<string, string | undefined>,
): Promise<Caller | undefined> {
  const token = cookies[ACCESS_COOKIE];
  const claims = token ? await settings.sessions.verify(token) : undefined;
  return (
    claims && {
      tenantId: claims.tenantId,
      role: claims.role,
      keyPrefix: claims.email,
      userId: claims.userId,
    }
  );
}

/** How a request authenticated, or why it did not. */
export type Authentication =
  { caller: Caller } | { status: 401 | 403; code: 'unauthorized' | 'csrf_failed'; message: string };

/**
 * An API key (`Authorization`) or a session cookie; the key wins when both are sent. A cookie
 * authenticates an unsafe method only with the CSRF header (a key needs none: no browser adds it).
 */
export async function authenticateRequest(
  settings: AuthSettings,
  req: IncomingMessage,
): Promise<Authentication> {
  const key = presentedKey(req);
  if (key) {
    const caller = await resolveCaller(settings, key);
    return caller
      ? { caller }
      : { status: 401, code: 'unauthorized', message: 'invalid or revoked API key' };
  }
  const cookies = requestCookies(req);
  const caller = await sessionCaller(settings, cookies);
  if (!caller)
    return {
      status: 401,
      code: 'unauthorized',
      message: cookies[ACCESS_COOKIE]
        ? 'session expired: refresh it (POST /api/v2/auth/session/refresh) or sign in again'
        : 'missing credentials: sign in, or send "Authorization: Bearer KEY" (create one with `npx mge keys create --tenant NAME`)',
    };
  const header = req.headers[CSRF_HEADER];
  if (!csrfOk(req.method ?? 'GET', cookies, typeof header === 'string' ? header : undefined))
    return {
      status: 403,
      code: 'csrf_failed',
      message: `a request authenticated by cookie must echo the mge_csrf cookie in the ${CSRF_HEADER} header`,
    };
  return { caller };
}

/** Requires a valid API key or session; `admin` additionally requires the admin role. */
export function authenticate(
  settings: AuthSettings,
  options: { admin?: boolean; browser?: boolean } = {},
): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    authenticateRequest(settings, req)
      .then((result) => {
        if (!('caller' in result)) {
          if (options.browser && result.status === 401)
            res.setHeader('WWW-Authenticate', 'Basic realm="MGE admin", charset="UTF-8"');
          return sendError(res, result.status, result.code, result.message);
        }
        if (options.admin && result.caller.role !== 'admin')
          return sendError(res, 403, 'forbidden', 'this endpoint requires the admin role');
        req.caller = result.caller;
        next();
      })
      .catch(next);
  };
}
