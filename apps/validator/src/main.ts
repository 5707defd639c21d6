import { runWorkerProcess } from '@mge/pipeline';
import { detectSandbox } from '@mge/validation';

// Say at start, not at the first plan, when L4 cannot run here (it then fails with this reason
// unless MGE_SANDBOX_ALLOW_WEAK=true).
const sandbox = detectSandbox();
if (!sandbox.bwrap) console.error(`validator: no sandbox for L4 tests: ${sandbox.reason}`);

runWorkerProcess('validator').catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
