import { ConfigError, loadConfig } from '@mge/config';
import { runWorkerProcess } from '@mge/pipeline';
import { detectSandbox, sandboxReport } from '@mge/validation';

// Say at start, not at the first plan, which sandbox runs L4 tests and what a better one needs
// (with none, L4 fails with this reason). A configuration error is reported by runWorkerProcess.
try {
  const { sandbox } = loadConfig();
  const report = sandboxReport(detectSandbox(), sandbox.backend, sandbox.allowWeak);
  if (report.backend !== 'bwrap')
    console.error(`validator: L4 sandbox: ${report.backend ?? 'none'}; ${report.advice}`);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
}

runWorkerProcess('validator').catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
