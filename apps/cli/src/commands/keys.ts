import { loadConfig } from '@mge/config';
import { createApiKey, ensureTenant, openDatabase } from '@mge/db';

/** `mge keys create --tenant NAME [--admin]`: prints a new API key (shown once, stored hashed). */
export async function keysCreateCommand(options: {
  tenant: string;
  admin?: boolean;
}): Promise<number> {
  const config = loadConfig();
  const database = openDatabase({ url: config.databaseUrl, pgliteDir: config.pgliteDir });
  try {
    if (config.autoMigrate) await database.migrate();
    const tenant = await ensureTenant(database.db, options.tenant);
    const key = await createApiKey(database.db, tenant.id, options.admin ? 'admin' : 'member');
    process.stdout.write(`${key}\n`);
    process.stderr.write(
      `created a ${options.admin ? 'admin' : 'member'} key for tenant "${tenant.name}"; it is not shown again\n`,
    );
    return 0;
  } finally {
    await database.close();
  }
}
