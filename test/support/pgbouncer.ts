import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '@mge/cli';
import postgres from 'postgres';
import { TEST_DATABASE_ADMIN_URL, waitFor } from './services';

export interface PgBouncer {
  /** `url` (a database on the test server) rewritten to go through the pooler. */
  via(url: string): string;
  /** The pool mode the pooler reports for `database` (its admin console's SHOW POOLS). */
  poolModeOf(database: string): Promise<string | undefined>;
  stop(): Promise<void>;
}

/**
 * A real PgBouncer (Debian's package) in front of the test server, every database forwarded.
 * `poolSize` server connections per database, fewer than the clients open, so transactions of
 * different clients really share server connections.
 */
export async function startPgBouncer(
  options: { poolMode: 'session' | 'transaction'; poolSize: number } = {
    poolMode: 'transaction',
    poolSize: 4,
  },
): Promise<PgBouncer> {
  const server = new URL(TEST_DATABASE_ADMIN_URL);
  const user = decodeURIComponent(server.username || 'postgres');
  const port = await freePort();
  const dir = await mkdtemp(path.join(tmpdir(), 'mge-pgbouncer-'));
  const ini = path.join(dir, 'pgbouncer.ini');
  await writeFile(path.join(dir, 'users.txt'), `"${user}" ""\n`);
  await writeFile(
    ini,
    [
      '[databases]',
      `* = host=${server.hostname} port=${server.port || 5432}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      "unix_socket_dir = ''",
      'auth_type = trust',
      `auth_file = ${path.join(dir, 'users.txt')}`,
      `admin_users = ${user}`,
      `pool_mode = ${options.poolMode}`,
      `default_pool_size = ${options.poolSize}`,
      'max_client_conn = 500',
      '',
    ].join('\n'),
  );
  // PgBouncer refuses to run as root; -u drops to an unprivileged user that must read the files.
  await chmod(dir, 0o755);
  const args = process.getuid?.() === 0 ? ['-u', 'nobody', ini] : [ini];
  const child: ChildProcess = spawn('pgbouncer', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const stderr: string[] = [];
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  const spawnError = new Promise<never>((_, reject) =>
    child.once('error', (error) =>
      reject(new Error(`pgbouncer could not start (apt-get install pgbouncer): ${error.message}`)),
    ),
  );
  const via = (url: string) => {
    const u = new URL(url);
    u.hostname = '127.0.0.1';
    u.port = String(port);
    return u.toString();
  };
  const admin = () =>
    postgres(via(`postgres://${user}@x/pgbouncer`), {
      max: 1,
      prepare: false,
      fetch_types: false,
    });
  await Promise.race([
    spawnError,
    waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`pgbouncer exited: ${stderr.join('')}`);
        const sql = admin();
        try {
          await sql.unsafe('SHOW VERSION').simple();
          return true;
        } catch {
          return undefined;
        } finally {
          await sql.end();
        }
      },
      'pgbouncer to accept connections',
      10_000,
    ),
  ]);
  return {
    via,
    async poolModeOf(database) {
      const sql = admin();
      try {
        const pools = await sql
          .unsafe<{ database: string; pool_mode: string }[]>('SHOW POOLS')
          .simple();
        return pools.find((p) => p.database === database)?.pool_mode;
      } finally {
        await sql.end();
      }
    },
    async stop() {
      if (child.exitCode === null)
        await new Promise((resolve) => child.once('exit', resolve).kill('SIGTERM'));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
