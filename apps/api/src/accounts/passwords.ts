import argon2 from 'argon2';

/** Memory-hard argon2id (the library's defaults: 64 MiB, 3 passes), as a PHC string. */
export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id });
}

// Verified against when no account has the email, so a miss costs what a wrong password costs.
let decoy: Promise<string> | undefined;

/** Whether `password` matches `hash` (or, with no hash, spends the same time and says no). */
export async function verifyPassword(hash: string | undefined, password: string): Promise<boolean> {
  const against = hash ?? (await (decoy ??= hashPassword('decoy password, never anyone’s')));
  const ok = await argon2.verify(against, password).catch(() => false);
  return ok && hash !== undefined;
}
