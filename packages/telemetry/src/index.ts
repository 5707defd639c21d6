export { createLogger, REDACT_PATHS, type Logger, type LoggerSettings } from './logger.js';
export { createMetrics, type Metrics } from './metrics.js';
export {
  startMetricsServer,
  type MetricsServer,
  type MetricsServerOptions,
} from './metrics-server.js';
export {
  registerQueueDepth,
  QUEUE_DEPTH_STATES,
  type CountableQueue,
  type QueueDepthState,
} from './queue-depth.js';
