import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { listAtoms } from '@mge/db';
import { syntaxDiagnostics } from '@mge/validation';
import {
  createTestDatabase,
  describeWhen,
  missingTool,
  TEST_REDIS_URL,
  uniqueQueuePrefix,
  waitFor,
  type TestDatabase,
} from '@test/services';
import { ADMIN_TOKEN, appEntryPoint, freePort, PROCESS_APPS } from '@test/fleet';
import { startPgBouncer, type PgBouncer } from '@test/pgbouncer';
import { threeFilePlan } from '@test/plans';

const VARIANTS = [
  ['directly', false],
  ['through PgBouncer in transaction pooling mode', true],
] as const;
for (const [how, pooled] of VARIANTS)
  describeWhen(
    pooled ? missingTool('pgbouncer') : undefined,
    `the fleet as separate OS processes, Postgres ${how}`,
    () => {
      let database: TestDatabase;
      let bouncer: PgBouncer | undefined;
      let outputDir: string;
      let baseUrl: string;
      const children: { role: string; child: ChildProcess; stderr: string[] }[] = [];

      beforeAll(async () => {
        database = await createTestDatabase();
        // Fewer server connections than the five processes' pools: transactions share them.
        if (pooled) bouncer = await startPgBouncer({ poolMode: 'transaction', poolSize: 3 });
        outputDir = await mkdtemp(path.join(tmpdir(), 'mge-output-'));
        const port = await freePort();
        baseUrl = `http://127.0.0.1:${port}`;
        const env = {
          PATH: process.env.PATH,
          NODE_ENV: 'test',
          LOG_LEVEL: 'warn',
          DATABASE_URL: bouncer ? bouncer.via(database.url) : database.url,
          ...(bouncer ? { MGE_DB_POOL_MODE: 'transaction', MGE_DB_POOL_MAX: '3' } : {}),
          REDIS_URL: TEST_REDIS_URL,
          MGE_QUEUE_PREFIX: uniqueQueuePrefix(),
          MGE_OUTPUT_DIR: outputDir,
          MGE_ADMIN_TOKEN: ADMIN_TOKEN,
          PORT: String(port),
          HOST: '127.0.0.1',
        };
        for (const role of PROCESS_APPS) {
          const child = spawn(process.execPath, [appEntryPoint(role)], {
            env,
            stdio: ['ignore', 'ignore', 'pipe'],
          });
          const stderr: string[] = [];
          child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
          children.push({ role, child, stderr });
        }
        await waitFor(
          async () => {
            const dead = children.find((c) => c.child.exitCode !== null);
            if (dead) throw new Error(`${dead.role} exited early: ${dead.stderr.join('')}`);
            const res = await fetch(`${baseUrl}/readyz`).catch(() => undefined);
            return res?.ok ? true : undefined;
          },
          'the API to be ready',
          60_000,
        );
      }, 90_000);

      afterAll(async () => {
        await Promise.all(
          children.map(({ child }) =>
            child.exitCode !== null
              ? Promise.resolve()
              : new Promise((resolve) => child.once('exit', resolve).kill('SIGKILL')),
          ),
        );
        await bouncer?.stop();
        await database?.drop();
        if (outputDir) await rm(outputDir, { recursive: true, force: true });
      });

      it('takes a 3-file plan from HTTP to validated output files', async () => {
        const plan = threeFilePlan();
        const submitted = await fetch(`${baseUrl}/api/v2/plans`, {
          method: 'POST',
          headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
          body: JSON.stringify(plan),
        });
        expect(submitted.status).toBe(202);
        const { id } = (await submitted.json()) as { id: string };

        const view = await waitFor(async () => {
          const res = await fetch(`${baseUrl}/api/v2/plans/${id}`, {
            headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
          });
          const body = (await res.json()) as {
            status: string;
            outputDir: string;
            progress: Record<string, { done: number; total: number }>;
          };
          return ['completed', 'failed', 'needs_review'].includes(body.status) ? body : undefined;
        }, 'the plan to finish');

        expect(view.status).toBe('completed');
        expect(view.progress.atomize).toMatchObject({ done: 3, total: 3 });
        expect(view.progress.generate!.done).toBe(view.progress.generate!.total);
        expect(view.outputDir).toBe(path.join(outputDir, id));

        const atoms = await listAtoms(database.handle.db, id);
        for (const task of plan.tasks) {
          const written = await readFile(path.join(view.outputDir, task.file), 'utf8');
          const assembled = atoms
            .filter((a) => a.file === task.file)
            .map((a) => a.code)
            .join('');
          expect(written).toBe(assembled);
          // The offline provider returns drafts unchanged, so the output is the plan's code exactly.
          expect(written).toBe(task.code);
          expect(syntaxDiagnostics(task.file, written, 'module')).toEqual([]);
        }
        expect(await readFile(path.join(view.outputDir, 'test/report.test.ts'), 'utf8')).toBe(
          plan.tests[0]!.code,
        );
      }, 60_000);

      it('stops every role gracefully on SIGTERM', async () => {
        const exits = children.map(
          ({ role, child }) =>
            new Promise<[string, number | null]>((resolve) => {
              child.once('exit', (code) => resolve([role, code]));
              child.kill('SIGTERM');
            }),
        );
        const codes = Object.fromEntries(await Promise.all(exits));
        expect(codes).toEqual({
          api: 0,
          atomizer: 0,
          'graph-builder': 0,
          executor: 0,
          validator: 0,
          planner: 0,
        });
      }, 30_000);
    },
  );
