import {
  acceptInvitation,
  createInvitation,
  createPasswordReset,
  createUser,
  findUser,
  findUserByEmail,
  issueRefreshToken,
  normalEmail,
  refreshFamilyOf,
  revokeRefreshFamily,
  revokeUserSessions,
  spendPasswordReset,
  spendRefreshToken,
  updateUser,
  type Db,
  type Role,
  type User,
} from '@mge/db';
import { ConflictError, InvalidInputError } from '@mge/core';
import type { Config } from '@mge/config';
import type { Mailer } from '@mge/pipeline';
import { HttpError } from '../http-errors.js';
import { hashPassword, verifyPassword } from './passwords.js';
import type { AttemptLimiter } from './rate-limit.js';
import type { SetCookie, Sessions } from './sessions.js';

export interface AccountDeps {
  db: Db;
  mailer: Mailer;
  config: Pick<Config, 'auth' | 'mail'>;
  sessions: Sessions;
  limits: { signIn: AttemptLimiter; reset: AttemptLimiter };
  clock: () => Date;
}

/** What the API shows of a user (never the hash). */
export function publicUser(user: User) {
  return {
    id: user.id,
    tenantId: user.tenantId,
    email: user.email,
    role: user.role,
    notifyOnReview: user.notifyOnReview,
    notifyOnFinish: user.notifyOnFinish,
    disabled: user.disabledAt !== null,
    createdAt: user.createdAt.toISOString(),
  };
}
export type PublicUser = ReturnType<typeof publicUser>;

export interface SignedIn {
  user: PublicUser;
  cookies: SetCookie[];
}

const unauthorized = (message: string) => new HttpError(401, 'unauthorized', message);

/**
 * The design's AuthService and PasswordResetService: sign-in, refresh with rotation, sign-out,
 * invitations and password reset. Tokens leave here only in cookies and emails.
 */
export class Accounts {
  constructor(private readonly d: AccountDeps) {}

  private later(seconds: number): Date {
    return new Date(this.d.clock().getTime() + seconds * 1000);
  }

  /** A new session (a new refresh token family) or the next one in `familyId`. */
  private async session(user: User, familyId?: string): Promise<SignedIn> {
    const refresh = await issueRefreshToken(
      this.d.db,
      user.id,
      this.later(this.d.config.auth.refreshTokenSeconds),
      familyId,
    );
    const claims = { userId: user.id, tenantId: user.tenantId, role: user.role, email: user.email };
    return { user: publicUser(user), cookies: await this.d.sessions.cookies(claims, refresh) };
  }

  async signIn(email: string, password: string, ip: string): Promise<SignedIn> {
    await this.d.limits.signIn.attempt(email, ip);
    const user = await findUserByEmail(this.d.db, email);
    // Verified even without a user (against a decoy), so the answer's timing tells nothing.
    const ok = await verifyPassword(user?.passwordHash, password);
    if (!user || !ok) throw unauthorized('wrong email or password');
    await this.d.limits.signIn.succeeded(email);
    return this.session(user);
  }

  /** Spends the refresh token for a new session in its family; a replayed one revokes the family. */
  async refresh(token: string | undefined): Promise<SignedIn> {
    if (!token) throw unauthorized('no session: sign in');
    const spent = await spendRefreshToken(this.d.db, token, this.d.clock());
    if (!spent.ok)
      throw unauthorized(
        spent.reason === 'reused'
          ? 'this session was ended because its refresh token was used twice: sign in again'
          : 'session expired: sign in again',
      );
    const user = await findUser(this.d.db, spent.userId);
    if (!user) throw unauthorized('no such user: sign in again');
    return this.session(user, spent.familyId);
  }

  clearedCookies(): SetCookie[] {
    return this.d.sessions.cleared();
  }

  async signOut(token: string | undefined): Promise<void> {
    const family = token && (await refreshFamilyOf(this.d.db, token));
    if (family) await revokeRefreshFamily(this.d.db, family, this.d.clock());
  }

  /**
   * Emails a reset link when the account exists. Answers the same either way, so it tells nobody
   * which emails have accounts.
   */
  async requestReset(email: string, ip: string): Promise<void> {
    await this.d.limits.reset.attempt(email, ip);
    const user = await findUserByEmail(this.d.db, email);
    if (!user) return;
    const { resetTokenSeconds } = this.d.config.auth;
    const token = await createPasswordReset(this.d.db, user.id, this.later(resetTokenSeconds));
    const link = `${this.d.config.mail.publicUrl}/reset-password?token=${encodeURIComponent(token)}`;
    await this.d.mailer.send(
      {
        to: user.email,
        subject: 'MGE: reset your password',
        text: `Someone (we hope you) asked to reset the password of ${user.email} on MGE.\n\nChoose a new one here, within ${Math.round(resetTokenSeconds / 60)} minutes:\n${link}\n\nThe link works once. If you did not ask, ignore this email.`,
      },
      'password-reset',
    );
  }

  /** Sets a new password with a reset token (once, before it expires) and ends every session. */
  async resetPassword(token: string, password: string): Promise<void> {
    const now = this.d.clock();
    const passwordHash = await hashPassword(password);
    const userId = await spendPasswordReset(this.d.db, token, now);
    if (!userId) throw new InvalidInputError('this reset link is invalid, expired or already used');
    await updateUser(this.d.db, userId, { passwordHash });
    await revokeUserSessions(this.d.db, userId, now);
  }

  /** Invites `email` into the tenant with `role`; resolves whether the email went out. */
  async invite(
    by: { tenantId: string; who: string },
    email: string,
    role: Role,
  ): Promise<{ email: string; role: Role; expiresAt: string; emailed: boolean }> {
    if (await findUserByEmail(this.d.db, email))
      throw new ConflictError(`${normalEmail(email)} already has an account`);
    const expiresAt = this.later(this.d.config.auth.inviteSeconds);
    const token = await createInvitation(this.d.db, {
      tenantId: by.tenantId,
      email,
      role,
      invitedBy: by.who,
      expiresAt,
    });
    const link = `${this.d.config.mail.publicUrl}/accept-invitation?token=${encodeURIComponent(token)}`;
    const emailed = await this.d.mailer.send(
      {
        to: normalEmail(email),
        subject: 'MGE: you are invited',
        text: `${by.who} invited you to MGE as ${role === 'admin' ? 'an admin' : 'a member'}.\n\nChoose your password here, before ${expiresAt.toUTCString()}:\n${link}\n\nThe link works once.`,
      },
      'invitation',
    );
    return { email: normalEmail(email), role, expiresAt: expiresAt.toISOString(), emailed };
  }

  /** Creates the invited account (once, before the invitation expires) and signs it in. */
  async acceptInvitation(token: string, password: string): Promise<SignedIn> {
    const passwordHash = await hashPassword(password);
    const user = await this.d.db.transaction(async (tx) => {
      const invitation = await acceptInvitation(tx, token, this.d.clock());
      if (!invitation)
        throw new InvalidInputError('this invitation is invalid, expired or already used');
      if (await findUserByEmail(tx, invitation.email))
        throw new ConflictError(`${invitation.email} already has an account`);
      const { tenantId, email, role } = invitation;
      return createUser(tx, { tenantId, email, role, passwordHash });
    });
    return this.session(user);
  }
}
