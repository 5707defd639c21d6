import { runWorkerProcess } from '@mge/pipeline';

runWorkerProcess('planner').catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
