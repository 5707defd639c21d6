import { atomizeSource } from './atomize.js';
import type { AtomizeTask } from './pool.js';
import { serveWorkerTasks } from './worker-tasks.js';

/** Worker-thread entry of `AtomizerPool`: atomizes one file per message. */
serveWorkerTasks((task: AtomizeTask) =>
  atomizeSource(task.code, task.file, task.language, task.options),
);
