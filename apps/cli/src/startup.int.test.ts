import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runMge, spawnMge } from '@test/cli';
import { TEST_REDIS_URL, uniqueQueuePrefix } from '@test/services';

jest.setTimeout(60_000);

/** A fresh clone as a user has it: an empty working directory, a token, no DATABASE_URL. */
describe('mge up in a fresh working directory', () => {
  let cwd: string;
  const env = () => ({
    PATH: process.env.PATH,
    REDIS_URL: TEST_REDIS_URL,
    MGE_QUEUE_PREFIX: uniqueQueuePrefix(),
    MGE_ADMIN_TOKEN: 'fresh-clone-token-0123456789',
    MGE_RECONCILE_INTERVAL_MS: '0',
    LOG_LEVEL: 'warn',
  });

  beforeEach(async () => {
    cwd = await mkdtemp(path.join(tmpdir(), 'mge-fresh-'));
  });
  afterEach(async () => {
    await rm(cwd, { recursive: true, force: true });
  });

  it('creates .mge/pglite, serves, and stops cleanly on SIGTERM', async () => {
    const { child, result } = spawnMge(['up', '--port', '0'], { cwd, env: env() });
    let stderr = '';
    await new Promise<void>((resolve, reject) => {
      child.stderr!.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes('MGE is up')) resolve();
      });
      child.once('exit', () => reject(new Error(`mge up exited early:\n${stderr}`)));
    });
    expect(existsSync(path.join(cwd, '.mge', 'pglite', 'PG_VERSION'))).toBe(true);
    child.kill('SIGTERM');
    expect((await result).code).toBe(0);
  });

  it('names the path, the underlying error and what to do when PGLITE_DIR cannot be made', async () => {
    await writeFile(path.join(cwd, 'a-file'), '');
    const { code, stderr } = await runMge(['up', '--port', '0'], {
      cwd,
      env: { ...env(), PGLITE_DIR: 'a-file/db' },
    });
    expect(code).toBe(1);
    expect(stderr).toContain(
      `cannot open the embedded PGlite database in ${path.join(cwd, 'a-file', 'db')}`,
    );
    expect(stderr).toMatch(/cause: ENOTDIR: not a directory/);
    expect(stderr).toMatch(/hint: PGLITE_DIR must be a directory/);
  });

  describe('when the port is taken', () => {
    let server: Server;
    beforeEach(async () => {
      server = createServer();
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    });
    afterEach(async () => {
      await new Promise((resolve) => server.close(resolve));
    });

    it('says which port and how to choose another', async () => {
      const { port } = server.address() as { port: number };
      const { code, stderr } = await runMge(['up', '--port', String(port)], {
        cwd,
        env: { ...env(), HOST: '127.0.0.1' },
      });
      expect(code).toBe(1);
      expect(stderr).toContain(`cannot start the API on 127.0.0.1:${port}`);
      expect(stderr).toMatch(/cause: listen EADDRINUSE/);
      expect(stderr).toMatch(/hint: the port is taken/);
    });
  });

  it('says how to start Redis when none answers', async () => {
    const { code, stderr } = await runMge(['up', '--port', '0'], {
      cwd,
      env: { ...env(), REDIS_URL: 'redis://127.0.0.1:1' },
    });
    expect(code).toBe(1);
    expect(stderr).toContain('Redis is not reachable at redis://127.0.0.1:1');
    expect(stderr).toMatch(/hint: start Redis/);
  });
});
