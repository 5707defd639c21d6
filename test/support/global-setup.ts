import { Socket } from 'node:net';

function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    // Resolve once the socket is really closed: the leak check's baseline is counted next.
    const done = (ok: boolean) => {
      socket.once('close', () => resolve(ok));
      socket.destroy();
    };
    socket.setTimeout(2000, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(port, host, () => done(true));
  });
}

/** Integration tests need the real services; say how to start them instead of timing out. */
export default async function globalSetup(): Promise<void> {
  const redis = new URL(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
  const pg = new URL(
    process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  );
  const missing: string[] = [];
  if (!(await reachable(redis.hostname, Number(redis.port || 6379))))
    missing.push(`Redis at ${redis.host} (start it: redis-server --daemonize yes)`);
  if (!(await reachable(pg.hostname, Number(pg.port || 5432))))
    missing.push(`Postgres at ${pg.host} (start it: pg_ctlcluster <version> main start)`);
  if (missing.length > 0)
    throw new Error(
      `integration tests need real services; not reachable:\n  ${missing.join('\n  ')}`,
    );
}
