import { runWorkerProcess } from '@mge/pipeline';

runWorkerProcess('atomizer').catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
