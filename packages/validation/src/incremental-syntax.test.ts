import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseSource, reparseSource, type ParsedText } from '@mge/atomizer';
import { syntheticPlan } from '@mge/bench';
import { fileLanguage, parsePlanText } from '@mge/core';
import { validateAtom } from './atom-level.js';
import { syntaxDiagnostics } from './syntax.js';

/**
 * L1 parses a file incrementally against its last parse (`reuseLastParse`); its diagnostics must
 * be those of a parse from scratch, whatever the edits, broken code included.
 */

const CORPUS = path.join(__dirname, '..', 'fixtures', 'clean-corpus');

/** Every file of the clean corpus (TypeScript, JavaScript, Python) and a synthetic plan's. */
function corpusFiles(): { file: string; code: string }[] {
  const files = readdirSync(CORPUS)
    .sort()
    .flatMap((name) => {
      const plan = parsePlanText(readFileSync(path.join(CORPUS, name, 'plan.yaml'), 'utf8'));
      return plan.tasks.map((t) => ({ file: `${name}/${t.file}`, code: t.code ?? '' }));
    });
  // The benchmark's plan: files of 25 ten-line functions calling one another.
  const synthetic = syntheticPlan({ functions: 75, seed: 3 }).tasks.map((t) => ({
    file: `synthetic/${t.file}`,
    code: t.code ?? '',
  }));
  return [...files, ...synthetic].filter((f) => fileLanguage(f.file) && f.code.length > 0);
}

function lcg(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

/** A seeded edit of `text`: a whole-line range (an atom's place) replaced, often by broken code. */
function edit(text: string, original: string, other: string, random: () => number): string {
  const lines = text.split('\n');
  const from = Math.floor(random() * lines.length);
  const to = Math.min(lines.length, from + 1 + Math.floor(random() * 12));
  const range = lines.slice(from, to).join('\n');
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const otherLines = other.split('\n');
  const at = Math.floor(random() * otherLines.length);
  const replacements = [
    () => range.slice(0, Math.floor(range.length / 2)), // truncated: broken
    () => range.replace(/[{}()[\]:;'"]/, ''), // one bracket or quote lost
    () => range + pick([' ) {', "'", '/*', ':', 'def', '=>', '<', '`', ' as ', '@']),
    () => otherLines.slice(at, at + 1 + Math.floor(random() * 8)).join('\n'), // another file's lines
    () => range.toUpperCase(),
    () => '',
  ];
  // Sometimes back to the original file, so reparses also start from a broken tree.
  if (random() < 0.15) return original;
  const replaced = pick(replacements)();
  return [...lines.slice(0, from), replaced, ...lines.slice(to)].join('\n');
}

describe('L1 incremental parsing', () => {
  const files = corpusFiles();

  it('covers every language of the corpus', () => {
    const languages = new Set(files.map((f) => fileLanguage(f.file)));
    expect([...languages].sort()).toEqual(['javascript', 'python', 'typescript']);
  });

  it('reports what a parse from scratch reports, on many edits, broken code included', () => {
    const random = lcg(15);
    let compared = 0;
    let broken = 0;
    for (const [index, { file, code }] of files.entries()) {
      const other = files[(index + 1) % files.length]!.code;
      let text = code;
      for (let step = 0; step < 30; step++) {
        text = edit(text, code, other, random);
        const full = syntaxDiagnostics(file, text, 'atom');
        expect(syntaxDiagnostics(file, text, 'atom', { reuseLastParse: true })).toEqual(full);
        compared++;
        if (full.length > 0) broken++;
      }
    }
    // Both verdicts were exercised many times.
    expect(compared).toBeGreaterThan(500);
    expect(broken).toBeGreaterThan(compared / 5);
    expect(compared - broken).toBeGreaterThan(compared / 5);
  });

  it('keeps one path apart from another and reuses any text a path had', () => {
    // Two plans with the same path: each check starts from the other's text.
    const [a, b] = files.filter((f) => f.file.endsWith('.ts'));
    const broken = `${a!.code}\nfunction (`;
    for (const code of [a!.code, b!.code, broken, a!.code, broken, b!.code]) {
      expect(syntaxDiagnostics('src/same.ts', code, 'atom', { reuseLastParse: true })).toEqual(
        syntaxDiagnostics('src/same.ts', code, 'atom'),
      );
    }
  });

  it('builds the tree a parse from scratch builds, for valid edits', () => {
    const { code } = files.find((f) => f.file.startsWith('synthetic/'))!;
    let previous: ParsedText = { text: code, tree: parseSource(code, 'typescript') };
    for (let i = 0; i < 20; i++) {
      const text = previous.text.replace(`+ ${i};`, `+ ${i + 100} * 2;`);
      expect(text).not.toBe(previous.text);
      const tree = reparseSource(previous, text, 'typescript');
      expect(tree.rootNode.hasError).toBe(false);
      expect(tree.rootNode.toString()).toBe(parseSource(text, 'typescript').rootNode.toString());
      previous = { text, tree };
    }
  });

  it('validates an atom spliced into its file as before', () => {
    const { file, code } = files.find((f) => f.file.startsWith('synthetic/'))!;
    const start = code.indexOf('export function');
    const end = code.indexOf('\n}\n', start) + 2;
    const atom = code.slice(start, end);
    for (const candidate of [
      atom,
      atom.slice(0, -1),
      atom.replace('return', 'return eval("1") +'),
    ]) {
      const expected = syntaxDiagnostics(
        file,
        code.slice(0, start) + candidate + code.slice(end),
        'atom',
      );
      const got = validateAtom({ file, fileText: code, start, end, candidate });
      if (expected.length > 0) expect(got).toEqual(expected);
      else expect(got.every((d) => !d.message.startsWith('syntax:'))).toBe(true);
    }
    expect(
      validateAtom({ file, fileText: code, start, end, candidate: atom.slice(0, -1) }),
    ).not.toEqual([]);
  });
});
