import { ConfigError, loadConfig } from '@mge/config';
import { closeOnSignal } from '@mge/queue';
import { openResources } from './resources.js';
import { startRole, type RoleName } from './roles.js';

/**
 * The whole `main` of a worker app: config -> resources -> worker -> wait for SIGTERM/SIGINT ->
 * graceful close. Exits 2 on bad configuration with one line per problem.
 */
export async function runWorkerProcess(
  role: RoleName,
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  let config;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const { resources, close } = await openResources(config, role);
  const worker = startRole(role, resources);
  resources.logger.info({ role }, 'worker started');
  await closeOnSignal(() => [worker], resources.logger, config.shutdownTimeoutMs);
  await close();
  resources.logger.info({ role }, 'worker stopped');
}
