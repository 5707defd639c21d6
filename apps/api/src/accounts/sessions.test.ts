import { SignJWT } from 'jose';
import { csrfOk, Sessions } from './sessions.js';

const config = (jwtSecret: string) =>
  ({
    auth: { jwtSecret, accessTokenSeconds: 900, refreshTokenSeconds: 86_400 },
    mail: { publicUrl: 'https://mge.test' },
  }) as ConstructorParameters<typeof Sessions>[0];
const claims = {
  userId: '00000000-0000-4000-8000-000000000001',
  tenantId: '00000000-0000-4000-8000-000000000002',
  role: 'member' as const,
  email: 'm@example.com',
};

describe('sessions', () => {
  const sessions = new Sessions(config('a'.repeat(32)));

  it('verifies its own access tokens', async () => {
    expect(await sessions.verify(await sessions.sign(claims))).toEqual(claims);
  });

  it('refuses a tampered token, another secret’s, an unsigned one and an expired one', async () => {
    const token = await sessions.sign(claims);
    const [head, body, sig] = token.split('.');
    const payload = JSON.parse(Buffer.from(body!, 'base64url').toString()) as object;
    const admin = Buffer.from(JSON.stringify({ ...payload, role: 'admin' })).toString('base64url');
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${admin}.`;
    const expired = await new SignJWT({ tid: claims.tenantId, role: 'member', email: 'm@x.test' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(claims.userId)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 10)
      .sign(new TextEncoder().encode('a'.repeat(32)));
    for (const bad of [
      `${head}.${admin}.${sig}`,
      await new Sessions(config('b'.repeat(32))).sign(claims),
      unsigned,
      expired,
    ])
      expect(await sessions.verify(bad)).toBeUndefined();
  });

  it('sets httpOnly session cookies, Secure on https, and a readable CSRF cookie', async () => {
    const cookies = await sessions.cookies(claims, 'refresh-token');
    expect(
      cookies.map((c) => [c.name, c.options.httpOnly, c.options.secure, c.options.path]),
    ).toEqual([
      ['mge_session', true, true, '/'],
      ['mge_refresh', true, true, '/api/v2/auth/session'],
      ['mge_csrf', false, true, '/'],
    ]);
  });

  it('requires the CSRF header to echo the cookie on unsafe methods only', () => {
    expect(csrfOk('GET', {}, undefined)).toBe(true);
    expect(csrfOk('POST', { mge_csrf: 'abc' }, 'abc')).toBe(true);
    expect(csrfOk('POST', { mge_csrf: 'abc' }, undefined)).toBe(false);
    expect(csrfOk('DELETE', { mge_csrf: 'abc' }, 'abd')).toBe(false);
    expect(csrfOk('PATCH', {}, 'abc')).toBe(false);
  });
});
