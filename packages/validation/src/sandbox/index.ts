export { DEFAULT_SANDBOX_LIMITS, type SandboxLimits, type SandboxOptions } from './limits.js';
export {
  detectSandbox,
  ISOLATING_BACKENDS,
  type BackendPaths,
  type IsolatingBackend,
  type SandboxSupport,
} from './detect.js';
export {
  sandboxReport,
  selectBackend,
  SandboxUnavailableError,
  type SandboxBackend,
  type SandboxChoice,
  type SandboxReport,
  type SandboxSelection,
} from './select-backend.js';
export { nodeInterpreter, pythonInterpreter, type Interpreter } from './interpreters.js';
export { runSandboxed, type SandboxCommand, type SandboxResult } from './run-sandboxed.js';
export { SANDBOX_WORKSPACE } from './sandbox-plan.js';
