import { loadConfig } from '@mge/config';
import { openDatabase } from '@mge/db';
import { printError } from '../output.js';

/**
 * `mge migrate`: applies pending migrations and exits. The one-shot migration service in
 * docker-compose and the migration Job in k8s run it, so role processes can start with
 * `MGE_AUTO_MIGRATE=false` (the advisory lock keeps concurrent runs safe either way).
 */
export async function migrateCommand(): Promise<number> {
  const config = loadConfig();
  const database = openDatabase({
    url: config.databaseUrl,
    pgliteDir: config.pgliteDir,
    maxConnections: config.dbPool.max,
    poolMode: config.dbPool.mode,
  });
  try {
    await database.migrate();
    await printError(`migrations applied (${database.driver})\n`);
    return 0;
  } finally {
    await database.close();
  }
}
