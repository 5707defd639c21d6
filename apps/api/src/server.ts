import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Config } from '@mge/config';
import { ensureTenant } from '@mge/db';
import type { Resources } from '@mge/pipeline';
import type { Closable } from '@mge/queue';
import { Sessions } from './accounts/sessions.js';
import { createApp } from './app.js';
import { attachLiveProgress } from './live-progress.js';

export const DEFAULT_TENANT = 'default';

export interface RunningApi extends Closable {
  server: Server;
  port: number;
  url: string;
}

/** Listens on `port` (0 picks a free one), with live progress over WebSocket on the same port. */
export async function startApi(
  config: Config,
  resources: Resources,
  port = config.port,
): Promise<RunningApi> {
  const tenant = await ensureTenant(resources.db, DEFAULT_TENANT);
  const app = createApp({ config, deps: { resources, defaultTenantId: tenant.id } });
  const server = await new Promise<Server>((resolve, reject) => {
    // Express 5 calls back with the listen error (EADDRINUSE) instead of leaving it to 'error'.
    const s = app.listen(port, config.host, (error?: Error) =>
      error ? reject(error) : resolve(s),
    );
  });
  const live = attachLiveProgress(server, {
    resources,
    auth: {
      db: resources.db,
      adminToken: config.adminToken,
      defaultTenantId: tenant.id,
      sessions: new Sessions(config),
    },
  });
  const actual = (server.address() as AddressInfo).port;
  resources.logger.info({ port: actual }, 'API listening');
  return {
    name: 'api',
    server,
    port: actual,
    url: `http://127.0.0.1:${actual}`,
    // Upgraded sockets would keep `server.close` waiting: live progress closes them first.
    close: async () => {
      await live.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
    },
    forceClose: async () => {
      server.closeAllConnections();
      await live.close();
    },
  };
}
