import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { InvalidInputError } from '@mge/core';
import { atomizeSource } from './atomize.js';
import { createAtomizerPool, type AtomizerPool } from './pool.js';

/**
 * The pool runs the compiled worker from dist (`npm test` builds first): worker threads cannot
 * load the TypeScript sources this test file is compiled from.
 */
describe('AtomizerPool', () => {
  let pool: AtomizerPool;
  beforeAll(() => {
    pool = createAtomizerPool({ size: 2 });
  });
  afterAll(async () => {
    await pool.close();
  });

  it('runs the built worker from dist', () => {
    expect(pool.workerFile).toBe(path.resolve(__dirname, '..', 'dist', 'atomize-worker.js'));
    expect(existsSync(pool.workerFile)).toBe(true);
  });

  it('returns what atomizeSource returns, on a worker thread', async () => {
    const code = `import os\n\n${Array.from({ length: 30 }, (_, i) => `def f${i}(x):\n    return os.path.join(x, "${i}")\n`).join('\n')}`;
    await expect(pool.atomize(code, 'many.py')).resolves.toEqual(atomizeSource(code, 'many.py'));
  });

  it('keeps the event loop free while a large file is parsed', async () => {
    const code = Array.from(
      { length: 20_000 },
      (_, i) => `export function f${i}(a: number): number {\n  return a + ${i};\n}`,
    ).join('\n');
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const started = Date.now();
    try {
      const result = await pool.atomize(code, 'big.ts');
      expect(result.atoms.length).toBeGreaterThan(1000);
      // A blocked loop would tick once at the end; a free one ticks throughout.
      expect(ticks).toBeGreaterThan((Date.now() - started) / 5 / 4);
    } finally {
      clearInterval(timer);
    }
  }, 60_000);

  it('terminates its threads on close, a busy one included', async () => {
    const closing = createAtomizerPool({ size: 1 });
    const code = Array.from({ length: 50_000 }, (_, i) => `x${i} = ${i}`).join('\n');
    const busy = closing.atomize(code, 'busy.py').then(
      () => 'resolved',
      (error: Error) => error.message,
    );
    const thread = (closing as unknown as { slots: { worker: Worker }[] }).slots[0]!.worker;
    const exited = new Promise<number>((resolve) => thread.once('exit', resolve));
    await closing.close();
    expect(await busy).toBe('the atomizing pool closed');
    await exited;
    expect(thread.threadId).toBe(-1);
  });

  it('rejects bad input with an InvalidInputError naming the line', async () => {
    await expect(pool.atomize('def broken(:\n    pass\n', 'broken.py')).rejects.toThrow(
      InvalidInputError,
    );
    await expect(pool.atomize('def broken(:\n    pass\n', 'broken.py')).rejects.toThrow(/line 1/);
  });

  it('abandons a task past its time limit and keeps serving', async () => {
    const strict = createAtomizerPool({ size: 1, taskTimeoutMs: 1 });
    try {
      const code = Array.from({ length: 50_000 }, (_, i) => `x${i} = ${i}`).join('\n');
      await expect(strict.atomize(code, 'slow.py')).rejects.toThrow(/abandoned/);
    } finally {
      await strict.close();
    }
    await expect(pool.atomize('x = 1\n', 'after.py')).resolves.toMatchObject({
      atoms: [{ code: 'x = 1\n' }],
    });
  });
});
