import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, Socket } from 'node:net';

/** A service MGE uses: at its configured URL, or private to this process. */
export interface ServiceEndpoint {
  url: string;
  /** Present when MGE started a private server; stops it. */
  stop?: () => Promise<void>;
}

/** Whether something accepts TCP connections at the URL's host and port within `timeoutMs`. */
export function reachable(url: string, timeoutMs = 1000, defaultPort = 6379): Promise<boolean> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(Number(u.port || defaultPort), u.hostname, () => done(true));
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
 * Spawns a server private to this process, waits until `url` accepts connections, and kills it
 * when the process exits. `name` is for error messages.
 */
export async function startPrivateServer(
  name: string,
  command: string,
  args: readonly string[],
  url: string,
  timeoutMs = 10_000,
): Promise<Required<ServiceEndpoint>> {
  const child: ChildProcess = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  // The end of its stderr explains a failed start (a missing library, a port taken).
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-2000);
  });
  const started = Date.now();
  while (!(await reachable(url, 200))) {
    if (child.exitCode !== null || Date.now() - started > timeoutMs) {
      child.kill('SIGKILL');
      const reason = stderr.trim() ? `:\n${stderr.trim()}` : '';
      throw new Error(`could not start a private ${name} at ${url}${reason}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  process.once('exit', () => child.kill('SIGKILL'));
  return { url, stop };
}
