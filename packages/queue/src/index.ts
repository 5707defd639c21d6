export {
  queueCatalog,
  QUEUE_NAMES,
  FAIR_QUEUES,
  type Payload,
  type PayloadInput,
  type QueueName,
} from './catalog.js';
export {
  closeRedis,
  connectRedis,
  isClusterUrl,
  parseRedisUrl,
  producerConnection,
  queueKeyPrefix,
  releaseConnection,
  workerConnection,
  type RedisClient,
  type RedisEndpoint,
} from './connection.js';
export {
  closeQueues,
  createQueues,
  enqueue,
  enqueueAgain,
  enqueueAll,
  enqueueMany,
  type EnqueueRequest,
  type FairEnqueue,
  type Queues,
  type QueueSettings,
} from './producer.js';
export { createWorker, type JobContext, type QueueWorker, type WorkerSettings } from './worker.js';
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
export {
  createLlmBudget,
  type LlmBudget,
  type LlmLimits,
  type LlmSpend,
  type Reservation,
} from './llm-budget.js';
export {
  createFairScheduler,
  NO_TENANT,
  type FairScheduler,
  type FairSchedulerOptions,
  type HeldJob,
} from './fair-scheduler.js';
