import { serveWorkerTasks } from '@mge/atomizer';
import { encodeFacts } from './facts-codec.js';
import { fileFacts } from './file-facts.js';
import type { FactsBatch } from './graph-pool.js';

/** Worker-thread entry of the graph pool: the facts of a batch of files per message, encoded. */
serveWorkerTasks((batch: FactsBatch) => encodeFacts(batch.tasks.map(fileFacts)));
