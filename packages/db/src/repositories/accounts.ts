import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import type { Db } from '../client.js';
import {
  invitations,
  passwordResets,
  refreshTokens,
  users,
  type Invitation,
  type User,
} from '../schema/index.js';
import { hashApiKey as hashSecret, newSecret, type Role } from './tenants.js';

/** Emails are compared lower-case and trimmed. */
export const normalEmail = (email: string) => email.trim().toLowerCase();

export async function createUser(
  db: Db,
  values: { tenantId: string; email: string; passwordHash: string; role: Role },
): Promise<User> {
  const [user] = await db
    .insert(users)
    .values({ ...values, email: normalEmail(values.email) })
    .returning();
  return user!;
}

export async function findUserByEmail(db: Db, email: string): Promise<User | undefined> {
  const [user] = await db
    .select()
    .from(users)
    .where(and(sql`lower(${users.email}) = ${normalEmail(email)}`, isNull(users.disabledAt)));
  return user;
}

export async function findUser(db: Db, id: string): Promise<User | undefined> {
  const [user] = await db
    .select()
    .from(users)
    .where(and(eq(users.id, id), isNull(users.disabledAt)));
  return user;
}

/** A user of the tenant (disabled ones too), or undefined: another tenant's is as missing. */
export async function findUserForTenant(
  db: Db,
  id: string,
  tenantId: string,
): Promise<User | undefined> {
  const [user] = await db
    .select()
    .from(users)
    .where(and(eq(users.id, id), eq(users.tenantId, tenantId)));
  return user;
}

export function listUsers(db: Db, tenantId: string): Promise<User[]> {
  return db.select().from(users).where(eq(users.tenantId, tenantId)).orderBy(users.createdAt);
}

export async function updateUser(
  db: Db,
  id: string,
  values: Partial<
    Pick<User, 'passwordHash' | 'notifyOnReview' | 'notifyOnFinish' | 'role' | 'disabledAt'>
  >,
): Promise<User | undefined> {
  const [user] = await db.update(users).set(values).where(eq(users.id, id)).returning();
  return user;
}

/** The tenant's active users who asked to hear when a plan needs review or finishes. */
export function usersToNotify(
  db: Db,
  tenantId: string,
  about: 'review' | 'finish',
): Promise<Pick<User, 'id' | 'email'>[]> {
  const column = about === 'review' ? users.notifyOnReview : users.notifyOnFinish;
  return db
    .select({ id: users.id, email: users.email })
    .from(users)
    .where(and(eq(users.tenantId, tenantId), eq(column, true), isNull(users.disabledAt)));
}

/** Issues a refresh token (in `familyId`, or a new family); returns it in clear text. */
export async function issueRefreshToken(
  db: Db,
  userId: string,
  expiresAt: Date,
  familyId: string = randomUUID(),
): Promise<string> {
  const token = newSecret();
  await db
    .insert(refreshTokens)
    .values({ userId, familyId, tokenHash: hashSecret(token), expiresAt });
  return token;
}

export type RefreshUse =
  | { ok: true; userId: string; familyId: string }
  | { ok: false; reason: 'unknown' | 'expired' | 'reused' };

/**
 * Spends a refresh token once. A token already spent (or revoked) is a replay: its whole family
 * is revoked, so whoever holds the newer token is signed out too.
 */
export async function spendRefreshToken(db: Db, token: string, now: Date): Promise<RefreshUse> {
  const tokenHash = hashSecret(token);
  const [spent] = await db
    .update(refreshTokens)
    .set({ usedAt: now })
    .where(
      and(
        eq(refreshTokens.tokenHash, tokenHash),
        isNull(refreshTokens.usedAt),
        isNull(refreshTokens.revokedAt),
        gt(refreshTokens.expiresAt, now),
      ),
    )
    .returning({ userId: refreshTokens.userId, familyId: refreshTokens.familyId });
  if (spent) return { ok: true, ...spent };
  const [row] = await db.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, tokenHash));
  if (!row) return { ok: false, reason: 'unknown' };
  if (row.usedAt || row.revokedAt) {
    await revokeRefreshFamily(db, row.familyId, now);
    return { ok: false, reason: 'reused' };
  }
  return { ok: false, reason: 'expired' };
}

export async function revokeRefreshFamily(db: Db, familyId: string, now: Date): Promise<void> {
  await db
    .update(refreshTokens)
    .set({ revokedAt: now })
    .where(and(eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt)));
}

/** The family of a refresh token, to sign out (revoking it) without spending it. */
export async function refreshFamilyOf(db: Db, token: string): Promise<string | undefined> {
  const [row] = await db
    .select({ familyId: refreshTokens.familyId })
    .from(refreshTokens)
    .where(eq(refreshTokens.tokenHash, hashSecret(token)));
  return row?.familyId;
}

/** Signs a user out everywhere (after a password change). */
export async function revokeUserSessions(db: Db, userId: string, now: Date): Promise<void> {
  await db
    .update(refreshTokens)
    .set({ revokedAt: now })
    .where(and(eq(refreshTokens.userId, userId), isNull(refreshTokens.revokedAt)));
}

/** Creates an invitation; returns its token in clear text (for the email only). */
export async function createInvitation(
  db: Db,
  values: { tenantId: string; email: string; role: Role; invitedBy: string; expiresAt: Date },
): Promise<string> {
  const token = newSecret();
  await db
    .insert(invitations)
    .values({ ...values, email: normalEmail(values.email), tokenHash: hashSecret(token) });
  return token;
}

/** Spends an invitation: once, before it expires; undefined otherwise. */
export async function acceptInvitation(
  db: Db,
  token: string,
  now: Date,
): Promise<Invitation | undefined> {
  const [row] = await db
    .update(invitations)
    .set({ acceptedAt: now })
    .where(
      and(
        eq(invitations.tokenHash, hashSecret(token)),
        isNull(invitations.acceptedAt),
        gt(invitations.expiresAt, now),
      ),
    )
    .returning();
  return row;
}

/** Creates a password reset token for a user; returns it in clear text (for the email only). */
export async function createPasswordReset(
  db: Db,
  userId: string,
  expiresAt: Date,
): Promise<string> {
  const token = newSecret();
  await db.insert(passwordResets).values({ userId, tokenHash: hashSecret(token), expiresAt });
  return token;
}

/** Spends a reset token: once, before it expires; the user's id, or undefined. */
export async function spendPasswordReset(
  db: Db,
  token: string,
  now: Date,
): Promise<string | undefined> {
  const [row] = await db
    .update(passwordResets)
    .set({ usedAt: now })
    .where(
      and(
        eq(passwordResets.tokenHash, hashSecret(token)),
        isNull(passwordResets.usedAt),
        gt(passwordResets.expiresAt, now),
      ),
    )
    .returning({ userId: passwordResets.userId });
  return row?.userId;
}
