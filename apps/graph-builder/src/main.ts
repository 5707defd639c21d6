import { runWorkerProcess } from '@mge/pipeline';

runWorkerProcess('graph-builder').catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
