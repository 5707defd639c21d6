import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { CookieOptions } from 'express';
import { jwtVerify, SignJWT } from 'jose';
import type { Config } from '@mge/config';
import type { Role } from '@mge/db';

/** The short-lived access token (httpOnly, sent with every request). */
export const ACCESS_COOKIE = 'mge_session';
/** The refresh token (httpOnly, sent only to the auth endpoints that spend or revoke it). */
export const REFRESH_COOKIE = 'mge_refresh';
/** The double-submit CSRF token: readable by the page, echoed in `CSRF_HEADER`. */
export const CSRF_COOKIE = 'mge_csrf';
export const CSRF_HEADER = 'x-csrf-token';
/** The path the refresh cookie is scoped to: refresh and sign-out live under it. */
export const REFRESH_PATH = '/api/v2/auth/session';

/** What a valid access token says. */
export interface SessionClaims {
  userId: string;
  tenantId: string;
  role: Role;
  email: string;
}

/** Without `MGE_JWT_SECRET`: one random key for this process (its app and its WebSocket alike). */
const PROCESS_KEY = randomBytes(32);

/** A cookie to set (value) or clear (value null). */
export interface SetCookie {
  name: string;
  value: string | null;
  options: CookieOptions;
}

/** Signs and checks access tokens (HS256 JWT) and lays out the session's cookies. */
export class Sessions {
  private readonly key: Uint8Array;
  private readonly secure: boolean;

  constructor(private readonly config: Pick<Config, 'auth' | 'mail'>) {
    this.key = config.auth.jwtSecret
      ? new TextEncoder().encode(config.auth.jwtSecret)
      : PROCESS_KEY;
    this.secure = config.mail.publicUrl.startsWith('https:');
  }

  async sign(claims: SessionClaims): Promise<string> {
    return new SignJWT({ tid: claims.tenantId, role: claims.role, email: claims.email })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(claims.userId)
      .setIssuedAt()
      .setExpirationTime(`${this.config.auth.accessTokenSeconds}s`)
      .sign(this.key);
  }

  /** The claims of a valid, unexpired token; undefined otherwise. */
  async verify(token: string): Promise<SessionClaims | undefined> {
    try {
      const { payload } = await jwtVerify(token, this.key, { algorithms: ['HS256'] });
      const { sub, tid, role, email } = payload;
      if (typeof sub !== 'string' || typeof tid !== 'string' || typeof email !== 'string')
        return undefined;
      if (role !== 'admin' && role !== 'member') return undefined;
      return { userId: sub, tenantId: tid, role, email };
    } catch {
      return undefined;
    }
  }

  /** The cookies of a fresh session: access, refresh and CSRF tokens. */
  async cookies(claims: SessionClaims, refreshToken: string): Promise<SetCookie[]> {
    const base = { secure: this.secure, sameSite: 'lax' as const };
    return [
      {
        name: ACCESS_COOKIE,
        value: await this.sign(claims),
        options: {
          ...base,
          httpOnly: true,
          path: '/',
          maxAge: this.config.auth.accessTokenSeconds * 1000,
        },
      },
      {
        name: REFRESH_COOKIE,
        value: refreshToken,
        options: {
          ...base,
          sameSite: 'strict',
          httpOnly: true,
          path: REFRESH_PATH,
          maxAge: this.config.auth.refreshTokenSeconds * 1000,
        },
      },
      {
        name: CSRF_COOKIE,
        value: randomBytes(24).toString('base64url'),
        options: { ...base, httpOnly: false, path: '/' },
      },
    ];
  }

  /** Cookies that end the session in the browser. */
  cleared(): SetCookie[] {
    return [
      { name: ACCESS_COOKIE, value: null, options: { path: '/' } },
      { name: REFRESH_COOKIE, value: null, options: { path: REFRESH_PATH } },
      { name: CSRF_COOKIE, value: null, options: { path: '/' } },
    ];
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The double-submit check for requests a cookie authenticates: an unsafe method must echo the
 * `mge_csrf` cookie in the `x-csrf-token` header (another site can send the cookie, not read it).
 */
export function csrfOk(
  method: string,
  cookies: Record<string, string | undefined>,
  header: string | undefined,
): boolean {
  if (SAFE_METHODS.has(method.toUpperCase())) return true;
  const cookie = cookies[CSRF_COOKIE];
  if (!cookie || !header) return false;
  const a = Buffer.from(cookie);
  const b = Buffer.from(header);
  return a.length === b.length && timingSafeEqual(a, b);
}
