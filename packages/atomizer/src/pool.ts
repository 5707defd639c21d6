import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { InvalidInputError, type FileLanguage } from '@mge/core';
import type { AtomizedFile, AtomizeOptions } from './atomize.js';
import type { PoolReply, PoolRequest } from './pool-protocol.js';

export interface AtomizerPoolOptions {
  /** Worker threads. @defaultValue available cores - 1, at least 1, at most 4 */
  size?: number;
  /**
   * A task running longer is abandoned: its thread is terminated and replaced, and the task fails
   * with InvalidInputError (the same input would hang again). @defaultValue 60 000 ms
   */
  taskTimeoutMs?: number;
  /** Heap limit per thread, so one huge input cannot take the process down. @defaultValue 1024 MiB */
  maxHeapMb?: number;
  /** The compiled worker script. @defaultValue `atomize-worker.js` next to this file (or in `../dist`) */
  workerFile?: string;
}

interface Task {
  request: PoolRequest;
  resolve: (file: AtomizedFile) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  task: Task | undefined;
  timer: NodeJS.Timeout | undefined;
}

/**
 * Atomization off the event loop: tree-sitter parsing is synchronous and CPU-bound, and a BullMQ
 * worker that blocks its loop for seconds misses lock renewals and sees its jobs marked stalled.
 * Threads are unref'd while idle, so an idle pool never keeps a process alive.
 */
export class AtomizerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private nextId = 1;
  private closed = false;
  private readonly size: number;
  private readonly timeoutMs: number;
  private readonly maxHeapMb: number;
  readonly workerFile: string;

  constructor(options: AtomizerPoolOptions = {}) {
    this.size = Math.max(1, options.size ?? Math.min(4, availableParallelism() - 1));
    this.timeoutMs = options.taskTimeoutMs ?? 60_000;
    this.maxHeapMb = options.maxHeapMb ?? 1024;
    this.workerFile = options.workerFile ?? defaultWorkerFile();
  }

  /** Same contract as `atomizeSource`, on a worker thread. */
  atomize(
    code: string,
    file: string,
    language?: FileLanguage,
    options?: AtomizeOptions,
  ): Promise<AtomizedFile> {
    if (this.closed) return Promise.reject(new Error('the atomizer pool is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({
        request: { id: this.nextId++, code, file, language, options },
        resolve,
        reject,
      });
      this.dispatch();
    });
  }

  /** Fails queued tasks and terminates the threads. */
  async close(): Promise<void> {
    this.closed = true;
    for (const task of this.queue.splice(0))
      task.reject(new Error('the atomizer pool closed before this task ran'));
    await Promise.all(
      this.slots.splice(0).map((slot) => this.retire(slot, new Error('the atomizer pool closed'))),
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
            `${task.request.file}: atomizing took over ${this.timeoutMs} ms and was abandoned`,
            { file: task.request.file },
          ),
        );
      }, this.timeoutMs);
      slot.worker.postMessage(task.request);
    }
  }

  private spawn(): Slot {
    const worker = new Worker(this.workerFile, {
      resourceLimits: { maxOldGenerationSizeMb: this.maxHeapMb },
    });
    const slot: Slot = { worker, task: undefined, timer: undefined };
    worker.unref();
    worker.on('message', (reply: PoolReply) => this.settle(slot, reply));
    // A crash (out of memory, a native fault) fails the task in hand; the thread is replaced on demand.
    worker.on('error', (error) => void this.retire(slot, error));
    worker.on(
      'exit',
      (code) => void this.retire(slot, new Error(`atomizer thread exited with code ${code}`)),
    );
    this.slots.push(slot);
    return slot;
  }

  private settle(slot: Slot, reply: PoolReply): void {
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

  private async retire(slot: Slot, error: Error): Promise<void> {
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

/**
 * The compiled worker: next to this module in `dist`, or, when this module runs from `src` (under
 * ts-jest), the built copy in `../dist`; worker threads cannot load TypeScript sources.
 */
function defaultWorkerFile(): string {
  const candidates = [
    path.join(__dirname, 'atomize-worker.js'),
    path.join(__dirname, '..', 'dist', 'atomize-worker.js'),
  ];
  const found = candidates.find((c) => existsSync(c));
  if (!found)
    throw new Error(
      `the atomizer worker is not built (looked for ${candidates.join(', ')}); run \`npm run build\``,
    );
  return found;
}

export function createAtomizerPool(options?: AtomizerPoolOptions): AtomizerPool {
  return new AtomizerPool(options);
}

let shared: AtomizerPool | undefined;

/**
 * One pool per process, created on first use. Threads are a process-wide CPU resource (like
 * libuv's threadpool), not a connection, so sharing one is safe; idle threads are unref'd.
 */
export function sharedAtomizerPool(): AtomizerPool {
  shared ??= new AtomizerPool();
  return shared;
}
