import { availableParallelism } from 'node:os';
import { compiledWorkerFile, WorkerPool, type WorkerPoolOptions } from '@mge/atomizer';
import { FactsCache } from './facts-cache.js';
import { decodeFacts, type EncodedFacts } from './facts-codec.js';
import { fileFacts, type FactsTask, type FileFacts } from './file-facts.js';

/** Files sent to a thread in one message, named in errors by the first file. */
export interface FactsBatch {
  file: string;
  tasks: FactsTask[];
}

/**
 * Worker threads computing per-file facts (`dist/graph-worker.js`), a batch of files per message,
 * answered in the compact form of `encodeFacts`.
 */
export type GraphPool = WorkerPool<FactsBatch, EncodedFacts>;

/** @param options size defaults to every core: the thread that waits for a build does no parsing. */
export function createGraphPool(options: WorkerPoolOptions = {}): GraphPool {
  return new WorkerPool(compiledWorkerFile(__dirname, 'graph-worker.js'), 'graphing', {
    size: Math.min(8, availableParallelism()),
    ...options,
  });
}

/**
 * Source text (UTF-16 units) below which a build stays on the calling thread: starting threads
 * costs more. Per-file work takes about 2 microseconds of CPU per character (4 when atomizing
 * too; docs/benchmarks.md), so a build below this holds its caller's event loop for about
 * 0.1-0.3 s at most.
 */
const THREADS_FROM_CHARS = 64 * 1024;

/**
 * Source text per message to a thread. One file per message left threads idle about a quarter
 * of the time at 100k atoms, waiting for the busy calling thread to hand them the next file.
 */
const BATCH_CHARS = 128 * 1024;

/**
 * Facts of recent builds in this process, up to 16 M characters of source: a 100k-atom plan
 * (about 12 M). Facts take about 16 bytes per character, so the cache stays near 250 MB.
 */
const cache = new FactsCache(16 * 1024 * 1024);

/** Every file's facts on the calling thread, from the cache where it can. */
export function collectFacts(tasks: readonly FactsTask[]): FileFacts[] {
  return tasks.map((task) => {
    const key = FactsCache.key(task);
    let facts = cache.get(key);
    if (!facts) cache.set(key, (facts = fileFacts(task)), task);
    return facts;
  });
}

/**
 * Every file's facts, from the cache where it can and on `pool`'s threads otherwise (on the
 * calling thread for small builds).
 */
export async function collectFactsOnThreads(
  tasks: readonly FactsTask[],
  pool: GraphPool,
): Promise<FileFacts[]> {
  if (tasks.reduce((chars, t) => chars + t.code.length, 0) < THREADS_FROM_CHARS)
    return collectFacts(tasks);
  const keys = tasks.map((task) => FactsCache.key(task));
  const facts = keys.map((key) => cache.get(key));
  const batches: number[][] = [];
  let chars = BATCH_CHARS;
  facts.forEach((cached, i) => {
    if (cached) return;
    if (chars >= BATCH_CHARS) {
      batches.push([]);
      chars = 0;
    }
    batches.at(-1)!.push(i);
    chars += tasks[i]!.code.length;
  });
  await Promise.all(
    batches.map(async (batch) => {
      const results = decodeFacts(
        await pool.run({ file: tasks[batch[0]!]!.file, tasks: batch.map((i) => tasks[i]!) }),
      );
      batch.forEach((i, j) => cache.set(keys[i]!, (facts[i] = results[j]!), tasks[i]!));
    }),
  );
  return facts as FileFacts[];
}
