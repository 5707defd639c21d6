export {
  queueCatalog,
  QUEUE_NAMES,
  type Payload,
  type PayloadInput,
  type QueueName,
} from './catalog.js';
export { producerConnection, workerConnection } from './connection.js';
export {
  closeQueues,
  createQueues,
  enqueue,
  enqueueAgain,
  enqueueMany,
  type Queues,
  type QueueSettings,
} from './producer.js';
export { createWorker, type JobContext, type WorkerSettings } from './worker.js';
export { closeAll, closeOnSignal, type Closable } from './shutdown.js';
export { createPlanSignals, type PlanSignals } from './plan-signals.js';
export {
  createPlanEvents,
  planEventSchema,
  type PlanEvent,
  type PlanEventEntry,
  type PlanEvents,
  type PlanEventsOptions,
} from './plan-events.js';
