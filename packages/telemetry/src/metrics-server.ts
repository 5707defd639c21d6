import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface MetricsServerOptions {
  registry: Registry;
  port: number;
  host: string;
  /**
   * Readiness checks, name -> error message or `'ok'`; the process is ready when all are ok
   * (e.g. Redis and Postgres answer) and it is not draining.
   */
  checks?: () => Promise<Record<string, string>>;
}

export interface MetricsServer {
  server: Server;
  port: number;
  /** From now on /readyz answers 503 (the process is shutting down); /healthz stays 200. */
  drain(): void;
  close(): Promise<void>;
}

/**
 * The small HTTP server of a worker process: /metrics (Prometheus), /healthz (liveness: the event
 * loop answers) and /readyz (readiness). Worker pods receive no traffic, so Kubernetes probes and
 * Prometheus are its only clients; it is plain node:http to keep workers free of Express.
 */
export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  let draining = false;
  const server = createServer((req, res) => {
    const send = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'content-type': type }).end(body);
    };
    const json = (status: number, body: unknown) =>
      send(status, 'application/json', JSON.stringify(body));
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') return json(405, { error: 'GET only' });
    switch (path) {
      case '/metrics':
        options.registry.metrics().then(
          (text) => send(200, options.registry.contentType, text),
          (err: unknown) => send(500, 'text/plain', String(err)),
        );
        return;
      case '/healthz':
        return json(200, { status: 'ok' });
      case '/readyz':
        void readiness(options.checks, draining).then(({ ready, checks }) =>
          json(ready ? 200 : 503, { status: ready ? 'ready' : 'not ready', checks }),
        );
        return;
      default:
        return json(404, { error: `no route for ${path}` });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    drain() {
      draining = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function readiness(
  probe: MetricsServerOptions['checks'],
  draining: boolean,
): Promise<{ ready: boolean; checks: Record<string, string> }> {
  const checks: Record<string, string> = probe
    ? await probe().catch((err: unknown) => ({ probe: String(err) }))
    : {};
  if (draining) checks.shutdown = 'draining';
  return { ready: Object.values(checks).every((v) => v === 'ok'), checks };
}
