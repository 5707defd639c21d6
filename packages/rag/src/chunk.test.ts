import { atomizeSource } from '@mge/atomizer';
import { chunkFile, chunkPlan, chunkText } from './chunk.js';

const SOURCE = `import { x } from './x';

/** Adds two numbers, checking both are finite. */
export function add(a: number, b: number): number {
  if (!Number.isFinite(a)) throw new RangeError('a');
  if (!Number.isFinite(b)) throw new RangeError('b');
  const sum = a + b;
  if (!Number.isFinite(sum)) throw new RangeError('overflow');
  return sum;
}

export class Counter {
  private n = 0;
  increment(): number {
    return ++this.n;
  }
}
`;

describe('chunkFile', () => {
  it('makes one document per atom of a code file, without import atoms, with atom lines', () => {
    const docs = chunkFile('src/math.ts', SOURCE);
    const atoms = atomizeSource(SOURCE, 'src/math.ts').atoms.filter((a) => a.kind !== 'import');
    expect(atoms.length).toBeGreaterThan(0);
    expect(docs.map((d) => [d.name, d.startLine, d.endLine, d.kind, d.text])).toEqual(
      atoms.map((a) => [a.name, a.startLine, a.endLine, a.kind, a.code]),
    );
    expect(docs.every((d) => d.file === 'src/math.ts' && d.language === 'typescript')).toBe(true);
    expect(docs.map((d) => d.text).join('')).toContain('return sum;');
    expect(new Set(docs.map((d) => d.id)).size).toBe(docs.length);
  });

  it('chunks files of no known language as text sections', () => {
    const docs = chunkFile('README.md', '# Title\n\nSome words.\n');
    expect(docs).toEqual([
      expect.objectContaining({ kind: 'section', name: 'Title', startLine: 1, language: 'text' }),
    ]);
  });
});

describe('chunkText', () => {
  it('cuts long text at blank lines after about 40 lines, and covers every line once', () => {
    const text = Array.from({ length: 100 }, (_, i) => (i % 10 === 9 ? '' : `line ${i}`)).join(
      '\n',
    );
    const docs = chunkText('notes.txt', text);
    expect(docs.length).toBeGreaterThan(1);
    expect(docs.map((d) => d.text).join('\n')).toBe(text);
    docs.slice(1).forEach((d, i) => expect(d.startLine).toBe(docs[i]!.endLine + 1));
  });
});

describe('chunkPlan', () => {
  it('makes one document per task and one per atom of its code, ids prefixed by the plan', () => {
    const docs = chunkPlan('plan-1', [
      {
        id: 'math',
        title: 'Math helpers',
        description: 'adds numbers',
        file: 'src/math.ts',
        code: SOURCE,
      },
      { id: 'todo', title: 'Not drafted', description: 'later', file: 'src/todo.ts' },
    ]);
    expect(docs.filter((d) => d.kind === 'task').map((d) => d.id)).toEqual([
      'plan-1:task:math',
      'plan-1:task:todo',
    ]);
    const atoms = docs.filter((d) => d.kind !== 'task');
    expect(atoms.length).toBeGreaterThan(0);
    for (const atom of atoms) expect(atom.id).toMatch(/^plan-1:src\/math\.ts#\d+$/);
    expect(docs.filter((d) => d.file === 'src/todo.ts')).toHaveLength(1);
  });
});
