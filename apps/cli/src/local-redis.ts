import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer, Socket } from 'node:net';

export interface RedisEndpoint {
  url: string;
  /** Present when MGE started a private redis-server; stops it. */
  stop?: () => Promise<void>;
}

/** Whether something accepts TCP connections at the URL's host and port within `timeoutMs`. */
export function reachable(url: string, timeoutMs = 1000): Promise<boolean> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(Number(u.port || 6379), u.hostname, () => done(true));
  });
}

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * Redis at `url` when it answers. Otherwise, when `url` was not chosen explicitly and a
 * `redis-server` binary exists, a private one on a free port (no persistence), stopped on exit.
 */
export async function ensureRedis(url: string, explicit: boolean): Promise<RedisEndpoint> {
  if (await reachable(url)) return { url };
  const hasBinary = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
  if (explicit || !hasBinary) {
    throw new Error(
      `Redis is not reachable at ${url}. Start Redis (e.g. \`redis-server --daemonize yes\`; ` +
        'install it with `apt-get install redis-server`) or point REDIS_URL at a running server.',
    );
  }
  const port = await freePort();
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const privateUrl = `redis://127.0.0.1:${port}`;
  const started = Date.now();
  while (!(await reachable(privateUrl, 200))) {
    if (child.exitCode !== null || Date.now() - started > 10_000)
      throw new Error(`could not start a private redis-server on port ${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  process.once('exit', () => child.kill('SIGKILL'));
  return { url: privateUrl, stop };
}
