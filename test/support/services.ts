import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { accessSync, constants } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { loadConfig, type Config } from '@mge/config';
import { openDatabase, type DatabaseHandle } from '@mge/db';

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** A maintenance database on the test server; each test file gets its own fresh database. */
export const TEST_DATABASE_ADMIN_URL =
  process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  url: string;
  handle: DatabaseHandle;
  /** Closes the handle and drops the database. */
  drop(): Promise<void>;
}

/** A new Postgres database for one test file (cheap isolation, real Postgres), migrated unless asked not to. */
export async function createTestDatabase(
  options: { migrate?: boolean } = {},
): Promise<TestDatabase> {
  const name = `mge_test_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  const admin = postgres(TEST_DATABASE_ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(TEST_DATABASE_ADMIN_URL);
  url.pathname = `/${name}`;
  const handle = openDatabase({ url: url.toString(), maxConnections: 5 });
  if (options.migrate ?? true) await handle.migrate();
  return {
    url: url.toString(),
    handle,
    async drop() {
      await handle.close();
      const cleanup = postgres(TEST_DATABASE_ADMIN_URL, { max: 1, onnotice: () => {} });
      await cleanup.unsafe(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}

/** A unique BullMQ key prefix so concurrent test files never see each other's jobs. */
export function uniqueQueuePrefix(): string {
  return `test-${randomUUID().slice(0, 8)}`;
}

/** Config for tests: real services, a unique queue prefix, quiet logs, no reconciler timer. */
export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    REDIS_URL: TEST_REDIS_URL,
    MGE_QUEUE_PREFIX: uniqueQueuePrefix(),
    MGE_RECONCILE_INTERVAL_MS: '0',
    MGE_SHUTDOWN_TIMEOUT_MS: '5000',
    MGE_OUTPUT_DIR: path.join(tmpdir(), 'mge-test-output'),
    ...env,
  });
}

/** Polls `probe` until it returns a value that is not undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(
  probe: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Why a test needs something this machine lacks: `undefined` when `command` (a name on the PATH,
 * or a path) can be run, else what to install. `.ci/run` installs every such tool, so CI always
 * runs these tests.
 */
export function missingTool(command: string, debianPackage = command): string | undefined {
  return canRun(command)
    ? undefined
    : `${command} is not installed (apt-get install ${debianPackage})`;
}

/** The shell's `command -v` checks that a PATH entry is executable, but not a path it is given. */
function canRun(command: string): boolean {
  if (!command.includes('/'))
    return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
  try {
    accessSync(command, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** `describe`, or `describe.skip` with the reason in its name when a tool is missing. */
export function describeWhen(missing: string | undefined, name: string, fn: () => void): void {
  if (missing) describe.skip(`${name} [skipped: ${missing}]`, fn);
  else describe(name, fn);
}
