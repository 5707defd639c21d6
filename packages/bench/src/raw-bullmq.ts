import { Queue, Worker, type ConnectionOptions } from 'bullmq';

/**
 * Baseline for the orchestration overhead: milliseconds per empty job through plain BullMQ with
 * the same Redis and concurrency, measured in the same run.
 */
export async function rawBullmqMsPerJob(
  connection: ConnectionOptions,
  prefix: string,
  jobs: number,
  concurrency: number,
): Promise<number> {
  const name = 'bench-empty';
  const queue = new Queue(name, { connection, prefix });
  await queue.addBulk(Array.from({ length: jobs }, (_, i) => ({ name, data: { i } })));
  let done = 0;
  const started = performance.now();
  const finished = new Promise<void>((resolve) => {
    const worker = new Worker(name, () => Promise.resolve(), { connection, prefix, concurrency });
    worker.on('completed', () => {
      if (++done === jobs) void worker.close().then(resolve);
    });
  });
  await finished;
  const msPerJob = (performance.now() - started) / jobs;
  await queue.obliterate({ force: true });
  await queue.close();
  return msPerJob;
}
