import { z } from 'zod';
import { ConflictError } from '@mge/core';
import { findUser, listUsers, revokeUserSessions, updateUser } from '@mge/db';
import { publicUser, type SignedIn } from '../accounts/account-service.js';
import { REFRESH_COOKIE, REFRESH_PATH } from '../accounts/sessions.js';
import { HttpError } from '../http-errors.js';
import { ids } from '../request-parsing.js';
import { defineRoute, Reply, type RouteClient } from '../route.js';

const email = z.email({ error: 'email must be an email address' }).max(320);
/** Long enough to resist guessing; argon2 takes any length, the cap bounds its work. */
const newPassword = z
  .string({ error: 'password must be a string' })
  .min(10, 'password must be at least 10 characters')
  .max(200, 'password must be at most 200 characters');
const token = z.string().min(20, 'token must be the one from the email').max(200);
const role = z.enum(['admin', 'member']);

const signInBody = z.object({ email, password: z.string().min(1).max(200) }).strict();
const resetRequestBody = z.object({ email }).strict();
const tokenPasswordBody = z.object({ token, password: newPassword }).strict();
const inviteBody = z.object({ email, role: role.default('member') }).strict();
const notificationsBody = z
  .object({ notifyOnReview: z.boolean().optional(), notifyOnFinish: z.boolean().optional() })
  .strict()
  .refine((b) => Object.keys(b).length > 0, {
    error: 'send at least one of notifyOnReview, notifyOnFinish',
  });

const userChangeBody = z
  .object({ role: role.optional(), disabled: z.boolean().optional() })
  .strict()
  .refine((b) => Object.keys(b).length > 0, { error: 'send at least one of role, disabled' });

const signedIn = ({ user, cookies }: SignedIn, status = 200) =>
  new Reply({ user }, { status, cookies });

/** The refresh cookie authenticates refresh and sign-out: they need the CSRF header too. */
function requireCsrf(client: RouteClient): void {
  if (!client.csrf)
    throw new HttpError(403, 'csrf_failed', 'echo the mge_csrf cookie in the x-csrf-token header');
}

const SESSION_COOKIES = 'sets the `mge_session`, `mge_refresh` and `mge_csrf` cookies';

/**
 * People's accounts (AuthService, PasswordResetService): sign in with email and password, a
 * session in cookies (refresh rotates it), sign out, invitations and password reset by email.
 */
export const accountRoutes = [
  defineRoute({
    method: 'post',
    path: '/api/v2/auth/session',
    summary: 'Sign in with email and password (rate-limited per account and per IP)',
    tag: 'accounts',
    auth: 'none',
    body: signInBody,
    success: { status: 200, description: `\`{ user }\`; ${SESSION_COOKIES}` },
    errors: { 401: 'wrong email or password', 429: 'too many attempts (`Retry-After`)' },
    handler: async ({ body, accounts, client }) =>
      signedIn(await accounts.signIn(body.email, body.password, client.ip)),
  }),
  defineRoute({
    method: 'post',
    path: `${REFRESH_PATH}/refresh`,
    summary:
      'A fresh access token for the refresh cookie, which rotates; a replayed one ends its session',
    tag: 'accounts',
    auth: 'none',
    success: { status: 200, description: `\`{ user }\`; ${SESSION_COOKIES}` },
    errors: { 401: 'no, expired or replayed refresh token', 403: 'missing CSRF header' },
    handler: async ({ accounts, client }) => {
      requireCsrf(client);
      return signedIn(await accounts.refresh(client.cookies[REFRESH_COOKIE]));
    },
  }),
  defineRoute({
    method: 'delete',
    path: REFRESH_PATH,
    summary: 'Sign out: revokes the session and clears its cookies',
    tag: 'accounts',
    auth: 'none',
    success: { status: 204, description: 'signed out' },
    errors: { 403: 'missing CSRF header' },
    handler: async ({ accounts, client }) => {
      requireCsrf(client);
      await accounts.signOut(client.cookies[REFRESH_COOKIE]);
      return new Reply(undefined, { cookies: accounts.clearedCookies() });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v2/auth/me',
    summary: 'Who is calling: the signed-in user (null for an API key), tenant and role',
    tag: 'accounts',
    auth: 'key',
    success: { status: 200, description: '`{ tenantId, role, user }`' },
    handler: async ({ caller, deps }) => {
      const user = caller.userId ? await findUser(deps.db, caller.userId) : undefined;
      return { tenantId: caller.tenantId, role: caller.role, user: user ? publicUser(user) : null };
    },
  }),
  defineRoute({
    method: 'patch',
    path: '/api/v2/auth/me/notifications',
    summary: 'Email me when a plan of my tenant needs review / finishes',
    tag: 'accounts',
    auth: 'key',
    body: notificationsBody,
    success: { status: 200, description: 'the user' },
    errors: { 403: 'an API key has no user to notify' },
    handler: async ({ caller, deps, body }) => {
      if (!caller.userId)
        throw new HttpError(403, 'forbidden', 'sign in as a person: an API key has no email');
      const user = await updateUser(deps.db, caller.userId, body);
      if (!user) throw new HttpError(401, 'unauthorized', 'this account no longer exists');
      return publicUser(user);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v2/auth/password-reset',
    summary: 'Email a single-use password reset link (same answer whether the account exists)',
    tag: 'accounts',
    auth: 'none',
    body: resetRequestBody,
    success: { status: 202, description: 'if the account exists, the email is on its way' },
    errors: { 429: 'too many attempts (`Retry-After`)' },
    handler: async ({ body, accounts, client }) => {
      await accounts.requestReset(body.email, client.ip);
      return { accepted: true };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v2/auth/password-reset/confirm',
    summary: "Set a new password with the email's token; ends every session of the account",
    tag: 'accounts',
    auth: 'none',
    body: tokenPasswordBody,
    success: { status: 204, description: 'the password is changed: sign in with it' },
    handler: async ({ body, accounts }) => {
      await accounts.resetPassword(body.token, body.password);
      return new Reply(undefined);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v2/auth/invitations',
    summary: "Invite someone into the caller's tenant by email, as member or admin",
    tag: 'accounts',
    auth: 'admin',
    body: inviteBody,
    success: { status: 201, description: '`{ email, role, expiresAt, emailed }`' },
    errors: { 409: 'the email already has an account' },
    handler: ({ caller, accounts, body }) =>
      accounts.invite({ tenantId: caller.tenantId, who: caller.keyPrefix }, body.email, body.role),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v2/auth/invitations/accept',
    summary: "Accept an invitation with the email's token and a password; signs the new user in",
    tag: 'accounts',
    auth: 'none',
    body: tokenPasswordBody,
    success: { status: 201, description: `\`{ user }\`; ${SESSION_COOKIES}` },
    errors: { 409: 'the email already has an account' },
    handler: async ({ body, accounts }) =>
      signedIn(await accounts.acceptInvitation(body.token, body.password), 201),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v2/users',
    summary: "The caller's tenant's users",
    tag: 'accounts',
    auth: 'admin',
    success: { status: 200, description: '`{ users }`' },
    handler: async ({ caller, deps }) => ({
      users: (await listUsers(deps.db, caller.tenantId)).map(publicUser),
    }),
  }),
  defineRoute({
    method: 'patch',
    path: '/api/v2/users/{id}',
    summary: "Change a user's role, or disable (signs them out) or re-enable them",
    tag: 'accounts',
    auth: 'admin',
    params: z.object({ id: ids.user }),
    body: userChangeBody,
    owns: 'user',
    success: { status: 200, description: 'the user' },
    errors: { 409: 'admins cannot demote or disable themselves' },
    handler: async ({ caller, deps, body, user }) => {
      if (user.id === caller.userId)
        throw new ConflictError('you cannot change your own role or disable yourself');
      const now = deps.clock();
      const changed = await updateUser(deps.db, user.id, {
        ...(body.role && { role: body.role }),
        ...(body.disabled !== undefined && { disabledAt: body.disabled ? now : null }),
      });
      // Sessions end: they sign in again, with the new role. An access token already issued lasts
      // until it expires (MGE_ACCESS_TOKEN_MINUTES).
      if (body.disabled || body.role) await revokeUserSessions(deps.db, user.id, now);
      return publicUser(changed!);
    },
  }),
];
