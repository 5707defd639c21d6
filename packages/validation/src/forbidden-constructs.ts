import type { Diagnostic } from '@mge/core';

/** Constructs generated code must not introduce unless the task's draft already uses them. */
const FORBIDDEN: { pattern: RegExp; what: string; scriptsOnly?: boolean }[] = [
  { pattern: /\beval\s*\(/, what: 'eval()' },
  {
    pattern: /\bnew\s+Function\s*\(|\bFunction\s*\(\s*['"`]/,
    what: 'dynamic code (Function constructor)',
  },
  { pattern: /(?<![.\w$])exec\s*\(|(?<![.\w$])compile\s*\([^)]*['"]exec['"]/, what: 'exec()' },
  { pattern: /\b__import__\s*\(|\bimportlib\b/, what: 'dynamic import (__import__ / importlib)' },
  // Python's `from x import (a, b)` is not dynamic.
  { pattern: /(?<![\w$.])import\s*\(/, what: 'dynamic import()', scriptsOnly: true },
  {
    pattern:
      /['"](?:node:)?(?:child_process|net|dgram|http2?|https|tls|cluster|worker_threads|vm)['"]/,
    what: 'process or network module',
  },
  {
    pattern:
      /^\s*(?:import|from)\s+(?:subprocess|socket|urllib|requests|httpx|ctypes|multiprocessing)\b/m,
    what: 'process or network module',
  },
  {
    pattern: /\bos\.(?:system|popen|exec\w*|spawn\w*|fork)\b|\bprocess\.(?:binding|dlopen|kill)\b/,
    what: 'process control',
  },
  { pattern: /(?<![.\w$])fetch\s*\(|\bXMLHttpRequest\b|\bWebSocket\b/, what: 'network access' },
];

/** Comments and string bodies are not code; strip them before matching. */
function codeOnly(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\/|(^|[^:])\/\/.*$|^\s*#.*$/gm, '$1')
    .replace(/("""|''')[\s\S]*?\1/g, '""');
}

/**
 * L1 forbidden constructs: what the candidate uses that the draft did not (a task that calls for
 * network or process access says so by using it in its draft).
 */
export function forbiddenConstructs(
  file: string,
  candidate: string,
  draft: string,
  line: number,
): Diagnostic[] {
  const python = file.endsWith('.py');
  const now = codeOnly(candidate);
  const before = codeOnly(draft);
  return FORBIDDEN.filter(
    ({ pattern, scriptsOnly }) =>
      !(python && scriptsOnly) && pattern.test(now) && !pattern.test(before),
  ).map(({ what }) => ({
    level: 'atom' as const,
    file,
    line,
    message: `forbidden construct: ${what} is not used by the task's draft`,
  }));
}
