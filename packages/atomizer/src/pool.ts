import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { InvalidInputError, type FileLanguage } from '@mge/core';
import type { AtomizedFile, AtomizeOptions } from './atomize.js';
import type { PoolReply, PoolRequest } from './pool-protocol.js';

export interface WorkerPoolOptions {
  /** Worker threads. @defaultValue available cores - 1, at least 1, at most 4 */
  size?: number;
  /**
   * A task running longer is abandoned: its thread is terminated and replaced, and the task fails
   * with InvalidInputError (the same input would hang again). @defaultValue 60 000 ms
   */
  taskTimeoutMs?: number;
  /** Heap limit per thread, so one huge input cannot take the process down. @defaultValue 1024 MiB */
  maxHeapMb?: number;
}

export interface AtomizerPoolOptions extends WorkerPoolOptions {
  /** The compiled worker script. @defaultValue `atomize-worker.js` next to this file (or in `../dist`) */
  workerFile?: string;
}

/** What a worker thread is asked to do with one file. */
export interface FileTask {
  /** Named in errors (time limit, crash). */
  file: string;
}

/** One `atomizeSource` call, as `AtomizerPool` sends it to a thread. */
export interface AtomizeTask extends FileTask {
  code: string;
  language: FileLanguage | undefined;
  options: AtomizeOptions | undefined;
}

interface Task<T, R> {
  request: PoolRequest<T>;
  resolve: (result: R) => void;
  reject: (error: Error) => void;
}

interface Slot<T, R> {
  worker: Worker;
  task: Task<T, R> | undefined;
  timer: NodeJS.Timeout | undefined;
}

/**
 * Per-file work off the event loop: tree-sitter parsing is synchronous and CPU-bound, and a BullMQ
 * worker that blocks its loop for seconds misses lock renewals and sees its jobs marked stalled.
 * Runs a compiled worker script that answers through `serveWorkerTasks`. Threads are unref'd
 * while idle, so an idle pool never keeps a process alive. No pool is process-wide: a process's
 * `Resources` own theirs (atomizing, graphing) and close them; a command creates and closes its own.
 */
export class WorkerPool<T extends FileTask, R> {
  private readonly slots: Slot<T, R>[] = [];
  private readonly queue: Task<T, R>[] = [];
  private nextId = 1;
  private closed = false;
  private readonly size: number;
  private readonly timeoutMs: number;
  private readonly maxHeapMb: number;

  /**
   * @param workerFile the compiled worker script (see `compiledWorkerFile`)
   * @param activity what a task does, for errors: "atomizing" took over N ms
   */
  constructor(
    readonly workerFile: string,
    private readonly activity: string,
    options: WorkerPoolOptions = {},
  ) {
    this.size = Math.max(1, options.size ?? Math.min(4, availableParallelism() - 1));
    this.timeoutMs = options.taskTimeoutMs ?? 60_000;
    this.maxHeapMb = options.maxHeapMb ?? 1024;
  }

  /** Runs one task on a thread, in submission order as threads free up. */
  run(task: T): Promise<R> {
    if (this.closed) return Promise.reject(new Error(`the ${this.activity} pool is closed`));
    return new Promise((resolve, reject) => {
      this.queue.push({ request: { id: this.nextId++, task }, resolve, reject });
      this.dispatch();
    });
  }

  /** Fails queued tasks and terminates the threads. */
  async close(): Promise<void> {
    this.closed = true;
    for (const task of this.queue.splice(0))
      task.reject(new Error(`the ${this.activity} pool closed before this task ran`));
    // A copy: `retire` takes each slot out of `slots` itself (and skips slots already gone).
    await Promise.all(
      [...this.slots].map((slot) =>
        this.retire(slot, new Error(`the ${this.activity} pool closed`)),
      ),
    );
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => !s.task);
      if (!slot && this.slots.length < this.size) slot = this.spawn();
      if (!slot) return;
      const task = this.queue.shift()!;
      slot.task = task;
      slot.worker.ref();
      slot.timer = setTimeout(() => {
        void this.retire(
          slot,
          new InvalidInputError(
            `${task.request.task.file}: ${this.activity} took over ${this.timeoutMs} ms and was abandoned`,
            { file: task.request.task.file },
          ),
        );
      }, this.timeoutMs);
      slot.worker.postMessage(task.request);
    }
  }

  private spawn(): Slot<T, R> {
    const worker = new Worker(this.workerFile, {
      resourceLimits: { maxOldGenerationSizeMb: this.maxHeapMb },
    });
    const slot: Slot<T, R> = { worker, task: undefined, timer: undefined };
    worker.unref();
    worker.on('message', (reply: PoolReply<R>) => this.settle(slot, reply));
    // A crash (out of memory, a native fault) fails the task in hand; the thread is replaced on demand.
    worker.on('error', (error) => void this.retire(slot, error));
    worker.on(
      'exit',
      (code) =>
        void this.retire(slot, new Error(`${this.activity} thread exited with code ${code}`)),
    );
    this.slots.push(slot);
    return slot;
  }

  private settle(slot: Slot<T, R>, reply: PoolReply<R>): void {
    const task = slot.task;
    if (!task || task.request.id !== reply.id) return;
    clearTimeout(slot.timer);
    slot.task = undefined;
    slot.worker.unref();
    if (reply.ok) task.resolve(reply.result);
    else
      task.reject(
        reply.error.invalidInput
          ? new InvalidInputError(reply.error.message, reply.error.details)
          : new Error(reply.error.message),
      );
    this.dispatch();
  }

  private async retire(slot: Slot<T, R>, error: Error): Promise<void> {
    const index = this.slots.indexOf(slot);
    if (index === -1) return;
    this.slots.splice(index, 1);
    clearTimeout(slot.timer);
    const task = slot.task;
    slot.task = undefined;
    task?.reject(error);
    await slot.worker.terminate();
    if (!this.closed) this.dispatch();
  }
}

/** Atomization on worker threads (`dist/atomize-worker.js`). */
export class AtomizerPool extends WorkerPool<AtomizeTask, AtomizedFile> {
  constructor(options: AtomizerPoolOptions = {}) {
    super(
      options.workerFile ?? compiledWorkerFile(__dirname, 'atomize-worker.js'),
      'atomizing',
      options,
    );
  }

  /** Same contract as `atomizeSource`, on a worker thread. */
  atomize(
    code: string,
    file: string,
    language?: FileLanguage,
    options?: AtomizeOptions,
  ): Promise<AtomizedFile> {
    return this.run({ code, file, language, options });
  }
}

/**
 * A package's compiled worker: next to the calling module in `dist`, or, when that module runs
 * from `src` (under ts-jest), the built copy in `../dist`; worker threads cannot load TypeScript
 * sources.
 */
export function compiledWorkerFile(moduleDir: string, fileName: string): string {
  const candidates = [path.join(moduleDir, fileName), path.join(moduleDir, '..', 'dist', fileName)];
  const found = candidates.find((c) => existsSync(c));
  if (!found)
    throw new Error(
      `the worker ${fileName} is not built (looked for ${candidates.join(', ')}); run \`npm run build\``,
    );
  return found;
}

export function createAtomizerPool(options?: AtomizerPoolOptions): AtomizerPool {
  return new AtomizerPool(options);
}
