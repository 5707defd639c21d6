import { runWorkerProcess } from '@mge/pipeline';

runWorkerProcess('validator').catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
