import { ConfigError, loadConfig } from '@mge/config';
import { openResources, startReconciler } from '@mge/pipeline';
import { closeOnSignal } from '@mge/queue';
import { startApi } from './server.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const { resources, close } = await openResources(config, 'api');
  const api = await startApi(config, resources);
  const reconciler = startReconciler(resources);
  await closeOnSignal(() => [api, reconciler], resources.logger, config.shutdownTimeoutMs);
  await close();
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(2);
  }
  console.error(error);
  process.exit(1);
});
