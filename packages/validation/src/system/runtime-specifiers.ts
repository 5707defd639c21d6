import ts from 'typescript';
import { isRelativeSpecifier, type PlanModules } from '@mge/source';

/**
 * Rewrites the relative module specifiers of one runnable script so node loads what L3 compiled:
 * each names the emitted file the plan's resolver picked (`./money` -> `./money.js`, `./lib` ->
 * `./lib/index.js`, `./money.js` stays), and an ES module's static JSON import gets `with { type:
 * 'json' }`, which node requires. Covers `import`, `export ... from`, `import()` and `require()`
 * (`ts.preProcessFile`); a specifier no plan file matches is left for node to report.
 */
export function rewriteRuntimeSpecifiers(
  text: string,
  file: string,
  modules: PlanModules,
  esm: boolean,
): string {
  const edits: { start: number; end: number; text: string }[] = [];
  for (const ref of ts.preProcessFile(text, true, true).importedFiles) {
    if (!isRelativeSpecifier(ref.fileName)) continue;
    const start = literalStart(text, ref);
    if (start === undefined) continue;
    const target = modules.resolve(file, ref.fileName);
    const specifier = target && modules.runtimeSpecifier(file, target);
    if (!specifier) continue;
    const end = start + ref.fileName.length;
    const before = text.slice(Math.max(0, start - 40), start - 1);
    const after = text.slice(end + 1, end + 40);
    const needsAttributes =
      esm &&
      target.endsWith('.json') &&
      /\b(?:from|import)\s*$/.test(before) &&
      !/^\s*(?:with|assert)\s*\{/.test(after);
    const quote = text[end]!;
    edits.push({
      start,
      end: end + (needsAttributes ? 1 : 0),
      text: specifier + (needsAttributes ? `${quote} with { type: 'json' }` : ''),
    });
  }
  let out = text;
  for (const edit of edits.sort((a, b) => b.start - a.start))
    out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
  return out;
}

/** Offset of the specifier's first character (preProcessFile's `pos` is at or before it). */
function literalStart(text: string, ref: ts.FileReference): number | undefined {
  for (const start of [ref.pos + 1, ref.pos])
    if (text.startsWith(ref.fileName, start) && /['"`]/.test(text[start - 1] ?? '')) return start;
  return undefined;
}
