import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { findApiKey, type Db, type Role } from '@mge/db';
import { sendError } from './http-errors.js';

export interface Caller {
  tenantId: string;
  role: Role;
  /** Who acted, for audit trails: the key's public prefix (never the key). */
  keyPrefix: string;
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

/** Requires a valid API key; `admin` additionally requires the admin role. */
export function authenticate(
  settings: AuthSettings,
  options: { admin?: boolean; browser?: boolean } = {},
): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const key = presentedKey(req);
    const deny = (status: 401 | 403, message: string) => {
      if (options.browser && status === 401)
        res.setHeader('WWW-Authenticate', 'Basic realm="MGE admin", charset="UTF-8"');
      sendError(res, status, status === 401 ? 'unauthorized' : 'forbidden', message);
    };
    if (!key)
      return deny(
        401,
        'missing API key: send "Authorization: Bearer KEY" (create one with `npx mge keys create --tenant NAME`)',
      );
    resolveCaller(settings, key)
      .then((caller) => {
        if (!caller) return deny(401, 'invalid or revoked API key');
        if (options.admin && caller.role !== 'admin')
          return deny(403, 'this endpoint requires an admin key');
        req.caller = caller;
        next();
      })
      .catch(next);
  };
}
