import { randomBytes } from 'node:crypto';
import { text } from 'node:stream/consumers';
import { hashPassword } from '@mge/api';
import { createUser, ensureTenant, findUserByEmail } from '@mge/db';
import { withDatabase } from './keys.js';

/**
 * `mge users create --tenant NAME --email E [--admin]`: an account to sign in with (the first
 * admin). The password is read from stdin when it is piped; otherwise one is generated and
 * printed once.
 */
export async function usersCreateCommand(options: {
  tenant: string;
  email: string;
  admin?: boolean;
}): Promise<number> {
  const piped = process.stdin.isTTY ? undefined : (await text(process.stdin)).trim();
  const password = piped || randomBytes(15).toString('base64url');
  if (password.length < 10) {
    process.stderr.write('the password must be at least 10 characters\n');
    return 2;
  }
  const role = options.admin ? 'admin' : 'member';
  return withDatabase(async (db) => {
    if (await findUserByEmail(db, options.email)) {
      process.stderr.write(`${options.email} already has an account\n`);
      return 1;
    }
    const tenant = await ensureTenant(db, options.tenant);
    const user = await createUser(db, {
      tenantId: tenant.id,
      email: options.email,
      role,
      passwordHash: await hashPassword(password),
    });
    if (!piped) process.stdout.write(`${password}\n`);
    process.stderr.write(
      `created ${role} ${user.email} in tenant "${tenant.name}"${piped ? '' : '; the password above is not shown again'}\n`,
    );
    return 0;
  });
}
