import { parentPort } from 'node:worker_threads';
import { InvalidInputError } from '@mge/core';
import type { PoolReply, PoolRequest } from './pool-protocol.js';

/**
 * The worker-thread side of a `WorkerPool`: answers each task message with `handle(task)`, or
 * with the error it threw (an InvalidInputError stays one on the other side).
 */
export function serveWorkerTasks<Task, Result>(handle: (task: Task) => Result): void {
  parentPort?.on('message', (request: PoolRequest<Task>) => {
    let reply: PoolReply<Result>;
    try {
      reply = { id: request.id, ok: true, result: handle(request.task) };
    } catch (error) {
      const e = error instanceof Error ? error : new Error(String(error));
      reply = {
        id: request.id,
        ok: false,
        error: {
          message: e.message,
          invalidInput: error instanceof InvalidInputError,
          details: error instanceof InvalidInputError ? error.details : undefined,
        },
      };
    }
    parentPort!.postMessage(reply);
  });
}
