import type { EditorLanguage } from './CodeEditor';

/** The editor language of a file, from its extension. */
export function languageOf(file: string): EditorLanguage {
  if (/\.(ts|tsx|mts|cts)$/.test(file)) return 'typescript';
  if (/\.(js|jsx|mjs|cjs)$/.test(file)) return 'javascript';
  if (file.endsWith('.py')) return 'python';
  return 'text';
}
