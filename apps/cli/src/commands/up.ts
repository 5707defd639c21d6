import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { closeOnSignal } from '@mge/queue';
import { startFleet } from '../fleet.js';
import { printError } from '../output.js';

/** `mge up [--port N]`: the API and every worker role in this process until SIGTERM/SIGINT. */
export async function upCommand(options: { port?: string }): Promise<number> {
  const port = Number(options.port ?? process.env.PORT ?? 3000);
  const tokenGiven = Boolean(process.env.MGE_ADMIN_TOKEN);
  const fleet = await startFleet({ apiPort: port });
  // Listening for SIGTERM before saying it is up: a supervisor may stop it as soon as it reads that.
  const stopped = closeOnSignal(
    () => fleet.closables,
    fleet.resources.logger,
    fleet.config.shutdownTimeoutMs,
  );
  const lines = [
    `MGE is up: API ${fleet.api!.url}  Bull Board ${fleet.api!.url}/admin/queues`,
    `queue prefix ${fleet.config.queuePrefix} (${process.env.MGE_QUEUE_PREFIX ? 'MGE_QUEUE_PREFIX' : "this database's own"})`,
  ];
  if (!tokenGiven) {
    // Written to a private file rather than printed, so the token never lands in logs.
    const file = path.resolve('.mge', 'admin-token');
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, `${fleet.config.adminToken}\n`, { mode: 0o600 });
    lines.push(`admin token (MGE_ADMIN_TOKEN was not set) written to ${file}`);
  }
  await printError(`${lines.join('\n')}\n`);
  await stopped;
  await fleet.release();
  return 0;
}
