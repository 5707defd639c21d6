import { ConfigError, loadConfig } from '@mge/config';
import { openResources, startReconciler } from '@mge/pipeline';
import { closeOnSignal } from '@mge/queue';
import { registerQueueDepth } from '@mge/telemetry';
import { startApi } from './server.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const { resources, close } = await openResources(config, 'api');
  // Every queue's depth, so autoscalers see a backlog even when a role has scaled to zero.
  registerQueueDepth(
    resources.metrics.registry,
    Object.values(resources.queues),
    resources.fair && ((q) => resources.fair!.heldTotal(q)),
  );
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
