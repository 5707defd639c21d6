import { isNode, LineCounter, parseDocument } from 'yaml';
import type { LineProblem } from '../editor/CodeEditor';

interface Issue {
  path?: (string | number)[];
  message: string;
}

/**
 * The API's 400 `details` (zod issues with a `path` into the plan) placed at their line of `text`:
 * the text is parsed here the same way (YAML is a superset of JSON), so each path finds its node.
 */
export function problemLines(text: string, details: unknown): LineProblem[] {
  if (!Array.isArray(details)) return [];
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter });
  return (details as Issue[]).map((issue) => {
    const path = issue.path ?? [];
    const where = path.length ? `${path.join('.')}: ` : '';
    // The deepest node the path reaches (a missing field points at its parent).
    for (let depth = path.length; depth >= 0; depth--) {
      const node = doc.getIn(path.slice(0, depth), true);
      if (isNode(node) && node.range)
        return { line: counter.linePos(node.range[0]).line, message: `${where}${issue.message}` };
    }
    return { message: `${where}${issue.message}` };
  });
}
