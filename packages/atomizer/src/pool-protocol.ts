/** Messages between a `WorkerPool` and its worker threads (structured-clone safe). */
export interface PoolRequest<Task> {
  id: number;
  task: Task;
}

export type PoolReply<Result> =
  | { id: number; ok: true; result: Result }
  | { id: number; ok: false; error: { message: string; invalidInput: boolean; details: unknown } };
