import { runWorkerProcess } from '@mge/pipeline';

runWorkerProcess('executor').catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
