export { DEFAULT_SANDBOX_LIMITS, type SandboxLimits, type SandboxOptions } from './limits.js';
export { detectSandbox, type SandboxSupport } from './detect.js';
export { nodeInterpreter, pythonInterpreter, type Interpreter } from './interpreters.js';
export {
  runSandboxed,
  SandboxUnavailableError,
  type SandboxCommand,
  type SandboxResult,
} from './run-sandboxed.js';
export { SANDBOX_WORKSPACE } from './bwrap-args.js';
