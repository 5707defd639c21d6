import request, { type Response } from 'supertest';
import { sql } from 'drizzle-orm';
import { createUser, ensureTenant, findPlan } from '@mge/db';
import { ADMIN_TOKEN, startTestFleet, type TestFleet } from '@test/fleet';
import { threeFilePlan } from '@test/plans';
import { startTestSmtp, type TestSmtp } from '@test/smtp';
import { hashPassword } from '../accounts/passwords.js';

const PASSWORD = 'correct horse battery';
// argon2id is memory-hard on purpose: a sign-in costs a few hundred ms on a busy machine.
jest.setTimeout(30_000);

/** The cookies a response set, by name (cleared ones as ''). */
function setCookies(res: Response): Record<string, string> {
  const header = res.headers['set-cookie'] as unknown as string[] | undefined;
  return Object.fromEntries(
    (header ?? []).map((line) => {
      const [pair] = line.split(';');
      const at = pair!.indexOf('=');
      return [pair!.slice(0, at), decodeURIComponent(pair!.slice(at + 1))];
    }),
  );
}

/** A browser's session: its cookies, sent back as a Cookie header, and the CSRF echo. */
class Browser {
  cookies: Record<string, string> = {};
  constructor(readonly ip: string) {}
  take(res: Response): Response {
    Object.assign(this.cookies, setCookies(res));
    return res;
  }
  headers(csrf = true): Record<string, string> {
    const cookie = Object.entries(this.cookies)
      .filter(([, v]) => v !== '')
      .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
      .join('; ');
    return {
      cookie,
      'x-forwarded-for': this.ip,
      ...(csrf && this.cookies.mge_csrf ? { 'x-csrf-token': this.cookies.mge_csrf } : {}),
    };
  }
}

/** The single-use token in an email's link. */
function tokenIn(text: string | undefined): string {
  const match = /token=([^\s&]+)/.exec(text ?? '');
  if (!match) throw new Error(`no token link in: ${text}`);
  return decodeURIComponent(match[1]!);
}

describe('accounts: people sign in with email and password', () => {
  let fleet: TestFleet;
  let smtp: TestSmtp;
  let ips = 0;
  const browser = () => new Browser(`10.0.0.${++ips}`);

  const signIn = async (b: Browser, email: string, password: string) =>
    b.take(
      await request(fleet.app)
        .post('/api/v2/auth/session')
        .set('x-forwarded-for', b.ip)
        .send({ email, password }),
    );

  beforeAll(async () => {
    smtp = await startTestSmtp();
    fleet = await startTestFleet({
      MGE_SMTP_URL: smtp.url,
      MGE_PUBLIC_URL: 'http://mge.test',
      MGE_AUTH_RATE_LIMIT: '5',
      MGE_LLM_PROVIDER: 'sim',
      MGE_SIM_FAULT_RATE: '0',
      MGE_SIM_LATENCY_MS: '0',
    });
    await createUser(fleet.resources.db, {
      tenantId: fleet.tenantId,
      email: 'Admin@Example.com',
      passwordHash: await hashPassword(PASSWORD),
      role: 'admin',
    });
  }, 60_000);
  afterAll(async () => {
    await fleet?.stop();
    await smtp?.close();
  });

  it('signs in into httpOnly cookies and serves every route for the session', async () => {
    const b = browser();
    const res = await signIn(b, 'admin@example.com', PASSWORD);
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ email: 'admin@example.com', role: 'admin' });
    expect(JSON.stringify(res.body)).not.toMatch(/argon2|password/i);
    const lines = (res.headers['set-cookie'] as unknown as string[]).join('\n');
    expect(lines).toMatch(/mge_session=[^;]+;.*HttpOnly/);
    expect(lines).toMatch(/mge_refresh=[^;]+;.*Path=\/api\/v2\/auth\/session;.*HttpOnly/);
    expect(lines).not.toMatch(/mge_csrf=[^\n]*HttpOnly/);

    const me = await request(fleet.app).get('/api/v2/auth/me').set(b.headers(false));
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ tenantId: fleet.tenantId, role: 'admin' });
    expect(me.body.user.email).toBe('admin@example.com');
    const users = await request(fleet.app).get('/api/v2/users').set(b.headers(false));
    const emails = (users.body as { users: { email: string }[] }).users.map((u) => u.email);
    expect(emails).toEqual(['admin@example.com']);
  });

  it('refuses a wrong password and an unknown email alike', async () => {
    const b = browser();
    for (const [email, password] of [
      ['admin@example.com', 'not the password'],
      ['nobody@example.com', PASSWORD],
    ]) {
      const res = await signIn(b, email!, password!);
      expect(res.status).toBe(401);
      expect(res.body.error.message).toBe('wrong email or password');
      expect(setCookies(res)).toEqual({});
    }
  });

  it('refuses an unsafe request authenticated by cookie without the CSRF header', async () => {
    const b = browser();
    await signIn(b, 'admin@example.com', PASSWORD);
    const refused = await request(fleet.app)
      .post('/api/v2/plans')
      .set(b.headers(false))
      .send(threeFilePlan('csrf'));
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('csrf_failed');
    const forged = await request(fleet.app)
      .post('/api/v2/plans')
      .set({ ...b.headers(false), 'x-csrf-token': 'guessed-by-another-site-000000' })
      .send(threeFilePlan('csrf'));
    expect(forged.status).toBe(403);
    // API keys need no CSRF header: no browser sends them by itself.
    const byKey = await request(fleet.app)
      .get('/api/v2/plans')
      .set('authorization', `Bearer ${ADMIN_TOKEN}`);
    expect(byKey.status).toBe(200);
  });

  it('rotates the refresh token, and a replayed one revokes the whole session', async () => {
    const b = browser();
    await signIn(b, 'admin@example.com', PASSWORD);
    const first = b.cookies.mge_refresh!;
    const refreshed = b.take(
      await request(fleet.app).post('/api/v2/auth/session/refresh').set(b.headers()),
    );
    expect(refreshed.status).toBe(200);
    const second = b.cookies.mge_refresh!;
    expect(second).not.toBe(first);

    // Someone replays the first (stolen) token: refused, and the family is revoked.
    const thief = new Browser(b.ip);
    thief.cookies = { ...b.cookies, mge_refresh: first };
    const replay = await request(fleet.app)
      .post('/api/v2/auth/session/refresh')
      .set(thief.headers());
    expect(replay.status).toBe(401);
    expect(replay.body.error.message).toMatch(/used twice/);
    const after = await request(fleet.app).post('/api/v2/auth/session/refresh').set(b.headers());
    expect(after.status).toBe(401);
  });

  it('signs out: the refresh token stops working', async () => {
    const b = browser();
    await signIn(b, 'admin@example.com', PASSWORD);
    const before = { ...b.cookies };
    const noCsrf = await request(fleet.app).delete('/api/v2/auth/session').set(b.headers(false));
    expect(noCsrf.status).toBe(403);
    const out = b.take(await request(fleet.app).delete('/api/v2/auth/session').set(b.headers()));
    expect(out.status).toBe(204);
    expect(b.cookies.mge_session).toBe('');
    b.cookies = before;
    const again = await request(fleet.app).post('/api/v2/auth/session/refresh').set(b.headers());
    expect(again.status).toBe(401);
  });

  it('invites a member by email, who accepts, signs in and cannot reach admin routes', async () => {
    const admin = browser();
    await signIn(admin, 'admin@example.com', PASSWORD);
    const invited = await request(fleet.app)
      .post('/api/v2/auth/invitations')
      .set(admin.headers())
      .send({ email: 'member@example.com' });
    expect(invited.status).toBe(201);
    expect(invited.body).toMatchObject({
      email: 'member@example.com',
      role: 'member',
      emailed: true,
    });

    const mail = await smtp.take('member@example.com', /invited/);
    expect(mail.text).toContain('http://mge.test/accept-invitation?token=');
    const token = tokenIn(mail.text);
    const member = browser();
    const accepted = member.take(
      await request(fleet.app)
        .post('/api/v2/auth/invitations/accept')
        .send({ token, password: 'member password 1' }),
    );
    expect(accepted.status).toBe(201);
    expect(accepted.body.user).toMatchObject({ email: 'member@example.com', role: 'member' });
    const twice = await request(fleet.app)
      .post('/api/v2/auth/invitations/accept')
      .send({ token, password: 'member password 2' });
    expect(twice.status).toBe(400);

    const again = browser();
    expect((await signIn(again, 'member@example.com', 'member password 1')).status).toBe(200);
    expect((await request(fleet.app).get('/api/v2/plans').set(again.headers())).status).toBe(200);
    const users = await request(fleet.app).get('/api/v2/users').set(again.headers());
    expect(users.status).toBe(403);
    const invite = await request(fleet.app)
      .post('/api/v2/auth/invitations')
      .set(again.headers())
      .send({ email: 'x@example.com' });
    expect(invite.status).toBe(403);
    expect(invite.body.error.code).toBe('forbidden');
  });

  it('lets an admin disable a member, which ends their sessions, and re-enable them', async () => {
    const admin = browser();
    await signIn(admin, 'admin@example.com', PASSWORD);
    const member = browser();
    await signIn(member, 'member@example.com', 'member password 1');
    const me = await request(fleet.app).get('/api/v2/auth/me').set(member.headers());
    const id = me.body.user.id as string;
    const self = await request(fleet.app).get('/api/v2/auth/me').set(admin.headers());
    const selfChange = await request(fleet.app)
      .patch(`/api/v2/users/${self.body.user.id as string}`)
      .set(admin.headers())
      .send({ disabled: true });
    expect(selfChange.status).toBe(409);

    const disabled = await request(fleet.app)
      .patch(`/api/v2/users/${id}`)
      .set(admin.headers())
      .send({ disabled: true });
    expect(disabled.status).toBe(200);
    expect(disabled.body).toMatchObject({ email: 'member@example.com', disabled: true });
    const refresh = await request(fleet.app)
      .post('/api/v2/auth/session/refresh')
      .set(member.headers());
    expect(refresh.status).toBe(401);
    expect((await signIn(browser(), 'member@example.com', 'member password 1')).status).toBe(401);

    const enabled = await request(fleet.app)
      .patch(`/api/v2/users/${id}`)
      .set(admin.headers())
      .send({ disabled: false });
    expect(enabled.body.disabled).toBe(false);
    expect((await signIn(browser(), 'member@example.com', 'member password 1')).status).toBe(200);
  });

  it('resets a password through the emailed single-use token', async () => {
    const db = fleet.resources.db;
    await createUser(db, {
      tenantId: fleet.tenantId,
      email: 'forgetful@example.com',
      passwordHash: await hashPassword('the old password'),
      role: 'member',
    });
    const old = browser();
    await signIn(old, 'forgetful@example.com', 'the old password');

    const asked = await request(fleet.app)
      .post('/api/v2/auth/password-reset')
      .set('x-forwarded-for', old.ip)
      .send({ email: 'Forgetful@example.com' });
    expect(asked.status).toBe(202);
    // An unknown email gets the same answer and no email.
    const unknown = await request(fleet.app)
      .post('/api/v2/auth/password-reset')
      .send({ email: 'stranger@example.com' });
    expect(unknown.status).toBe(202);

    const mail = await smtp.take('forgetful@example.com', /reset/);
    expect(mail.text).toContain('http://mge.test/reset-password?token=');
    const token = tokenIn(mail.text);
    const weak = await request(fleet.app)
      .post('/api/v2/auth/password-reset/confirm')
      .send({ token, password: 'short' });
    expect(weak.status).toBe(400);
    expect(weak.body.error.message).toMatch(/at least 10 characters/);
    const done = await request(fleet.app)
      .post('/api/v2/auth/password-reset/confirm')
      .send({ token, password: 'the new password' });
    expect(done.status).toBe(204);

    expect((await signIn(browser(), 'forgetful@example.com', 'the new password')).status).toBe(200);
    expect((await signIn(browser(), 'forgetful@example.com', 'the old password')).status).toBe(401);
    const reused = await request(fleet.app)
      .post('/api/v2/auth/password-reset/confirm')
      .send({ token, password: 'a third password' });
    expect(reused.status).toBe(400);
    expect(reused.body.error.message).toMatch(/invalid, expired or already used/);
    // The reset ended the sessions opened with the old password.
    const refresh = await request(fleet.app)
      .post('/api/v2/auth/session/refresh')
      .set(old.headers());
    expect(refresh.status).toBe(401);
    expect(smtp.messages.some((m) => m.to && JSON.stringify(m.to).includes('stranger'))).toBe(
      false,
    );
  });

  it('refuses an expired reset token', async () => {
    await request(fleet.app)
      .post('/api/v2/auth/password-reset')
      .set('x-forwarded-for', '10.1.0.1')
      .send({ email: 'forgetful@example.com' });
    const token = tokenIn((await smtp.take('forgetful@example.com', /reset/)).text);
    await fleet.resources.db.execute(
      sql`update password_resets set expires_at = now() - interval '1 second' where used_at is null`,
    );
    const res = await request(fleet.app)
      .post('/api/v2/auth/password-reset/confirm')
      .send({ token, password: 'too late password' });
    expect(res.status).toBe(400);
    expect((await signIn(browser(), 'forgetful@example.com', 'too late password')).status).toBe(
      401,
    );
  });

  it('rate-limits sign-in per account, across IP addresses', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push((await signIn(browser(), 'admin@example.com', 'wrong guess')).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    const right = await signIn(browser(), 'admin@example.com', PASSWORD);
    expect(right.status).toBe(429);
    expect(Number(right.headers['retry-after'])).toBeGreaterThan(0);
    expect(right.body.error.code).toBe('too_many_attempts');
  });

  it('rate-limits sign-in and reset per IP address, across accounts', async () => {
    const b = browser();
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push((await signIn(b, `guess${i}@example.com`, 'wrong guess')).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    const resets: number[] = [];
    for (let i = 0; i < 6; i++)
      resets.push(
        (
          await request(fleet.app)
            .post('/api/v2/auth/password-reset')
            .set('x-forwarded-for', '10.2.0.1')
            .send({ email: `someone${i}@example.com` })
        ).status,
      );
    expect(resets).toEqual([202, 202, 202, 202, 202, 429]);
  });

  it("gives a user of another tenant 404 for this tenant's plan", async () => {
    const submitted = await request(fleet.app)
      .post('/api/v2/plans')
      .set('authorization', `Bearer ${ADMIN_TOKEN}`)
      .send(threeFilePlan('tenant-a-plan'));
    expect(submitted.status).toBe(202);
    const other = await ensureTenant(fleet.resources.db, 'tenant-b');
    await createUser(fleet.resources.db, {
      tenantId: other.id,
      email: 'b@example.com',
      passwordHash: await hashPassword(PASSWORD),
      role: 'admin',
    });
    const b = browser();
    await signIn(b, 'b@example.com', PASSWORD);
    const res = await request(fleet.app).get(`/api/v2/plans/${submitted.body.id}`).set(b.headers());
    expect(res.status).toBe(404);
    expect(JSON.stringify(res.body)).not.toContain('tenant-a-plan');
  });

  it('emails the users who opted in when their tenant’s plan finishes', async () => {
    const b = browser();
    await signIn(b, 'member@example.com', 'member password 1');
    const opted = await request(fleet.app)
      .patch('/api/v2/auth/me/notifications')
      .set(b.headers())
      .send({ notifyOnFinish: true });
    expect(opted.status).toBe(200);
    expect(opted.body).toMatchObject({ notifyOnFinish: true, notifyOnReview: false });
    const byKey = await request(fleet.app)
      .patch('/api/v2/auth/me/notifications')
      .set('authorization', `Bearer ${ADMIN_TOKEN}`)
      .send({ notifyOnFinish: true });
    expect(byKey.status).toBe(403);

    const submitted = await request(fleet.app)
      .post('/api/v2/plans')
      .set(b.headers())
      .send(threeFilePlan('notify-me'));
    expect(submitted.status).toBe(202);
    const mail = await smtp.take('member@example.com', /notify-me/);
    expect(mail.subject).toBe('MGE: plan "notify-me" finished');
    expect(mail.text).toContain(`http://mge.test/plans/${submitted.body.id}`);
    expect((await findPlan(fleet.resources.db, submitted.body.id))?.status).toBe('completed');
    // Only those who opted in: the admin did not.
    expect(smtp.messages.filter((m) => /needs review/.test(m.subject ?? ''))).toEqual([]);
    expect(
      smtp.messages.filter((m) => /notify-me/.test(m.subject ?? '')).map((m) => m.to),
    ).toHaveLength(1);
  }, 60_000);

  it('emails those who opted in to reviews when a plan needs review, with the reason', async () => {
    // The admin account is rate-limited by now: the member opts in to reviews too.
    const b = browser();
    await signIn(b, 'member@example.com', 'member password 1');
    const opted = await request(fleet.app)
      .patch('/api/v2/auth/me/notifications')
      .set(b.headers())
      .send({ notifyOnReview: true });
    expect(opted.body).toMatchObject({ notifyOnReview: true, notifyOnFinish: true });
    const submitted = await request(fleet.app)
      .post('/api/v2/plans')
      .set(b.headers())
      .send(threeFilePlan('review-me'));
    expect(submitted.status).toBe(202);
    // What settle-atom and repair publish after moving a plan to needs_review.
    await fleet.resources.events.publish(submitted.body.id as string, [
      { type: 'plan', status: 'needs_review', error: '2 atoms need a human' },
    ]);
    const mail = await smtp.take('member@example.com', /review-me.*needs review/);
    expect(mail.subject).toBe('MGE: plan "review-me" needs review');
    expect(mail.text).toContain('Why: 2 atoms need a human');
    expect(mail.text).toContain(`http://mge.test/plans/${submitted.body.id}`);
  }, 60_000);
});
