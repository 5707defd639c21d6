import { loadConfig } from '@mge/config';
import { createApiKey, ensureTenant, openDatabase, type Db } from '@mge/db';
import { print, printError } from '../output.js';

/** Runs `work` on the configured database (migrated when configured), then closes it. */
export async function withDatabase<T>(work: (db: Db) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const database = openDatabase({
    url: config.databaseUrl,
    pgliteDir: config.pgliteDir,
    maxConnections: config.dbPool.max,
    poolMode: config.dbPool.mode,
  });
  try {
    if (config.autoMigrate) await database.migrate();
    return await work(database.db);
  } finally {
    await database.close();
  }
}

/** `mge keys create --tenant NAME [--admin]`: prints a new API key (shown once, stored hashed). */
export function keysCreateCommand(options: { tenant: string; admin?: boolean }): Promise<number> {
  return withDatabase(async (db) => {
    const tenant = await ensureTenant(db, options.tenant);
    const key = await createApiKey(db, tenant.id, options.admin ? 'admin' : 'member');
    await print(`${key}\n`);
    await printError(
      `created a ${options.admin ? 'admin' : 'member'} key for tenant "${tenant.name}"; it is not shown again\n`,
    );
    return 0;
  });
}
