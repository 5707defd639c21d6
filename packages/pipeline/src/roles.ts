import { failPlan } from '@mge/db';
import {
  createWorker,
  type Closable,
  type JobContext,
  type Payload,
  type QueueName,
} from '@mge/queue';
import type { Config } from '@mge/config';
import type { Resources } from './resources.js';
import { atomizeTask } from './stages/atomize.js';
import { buildGraph } from './stages/build-graph.js';
import { generateAtom } from './stages/generate.js';
import { validatePlan } from './stages/validate.js';

interface RoleDefinition<N extends QueueName> {
  queue: N;
  process: (r: Resources, payload: Payload<N>, context: JobContext) => Promise<void>;
  concurrency: (config: Config) => number;
}

function role<N extends QueueName>(definition: RoleDefinition<N>): RoleDefinition<N> {
  return definition;
}

/** Worker roles: each is its own Deployment in production; `mge up` runs them all. */
export const ROLES = {
  atomizer: role({
    queue: 'atomize',
    process: atomizeTask,
    concurrency: (c) => c.concurrency.atomize,
  }),
  'graph-builder': role({
    queue: 'graph',
    process: buildGraph,
    concurrency: (c) => c.concurrency.graph,
  }),
  executor: role({
    queue: 'generate',
    process: generateAtom,
    concurrency: (c) => c.concurrency.generate,
  }),
  validator: role({
    queue: 'validate',
    process: validatePlan,
    concurrency: (c) => c.concurrency.validate,
  }),
};

export type RoleName = keyof typeof ROLES;
export const ROLE_NAMES = Object.keys(ROLES) as RoleName[];

/** Starts a role's BullMQ worker. A job that fails for good fails its plan with the reason. */
export function startRole(name: RoleName, r: Resources): Closable {
  const definition = ROLES[name] as RoleDefinition<QueueName>;
  const worker = createWorker(
    definition.queue,
    (payload, context) => definition.process(r, payload, context),
    {
      connection: r.workerConnection,
      prefix: r.config.queuePrefix,
      concurrency: definition.concurrency(r.config),
      logger: r.logger,
      onFinalFailure: async (payload, error) => {
        await failPlan(r.db, payload.planId, `${definition.queue} job failed: ${error.message}`);
      },
      onSettled: (outcome, seconds) => {
        r.metrics.jobsTotal.inc({ queue: definition.queue, outcome });
        r.metrics.jobDuration.observe({ queue: definition.queue }, seconds);
      },
    },
  );
  return {
    name,
    close: () => worker.close(),
    forceClose: () => worker.close(true),
  };
}
