export { syntheticPlan, type SyntheticPlanOptions } from './synthetic-plan.js';
export { runFigures, heaviestChain, maxOverlap, type RunFigures } from './run-figures.js';
export { rawBullmqMsPerJob } from './raw-bullmq.js';
