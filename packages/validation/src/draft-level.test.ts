import { validateDraft } from './draft-level.js';

describe('validateDraft (a task drafted whole)', () => {
  const provides = ['BookId', 'newBookId'];

  it('accepts a file that parses and exports every provided symbol', () => {
    const candidate =
      'export type BookId = string & { readonly brand: unique symbol };\n' +
      'export function newBookId(raw: string): BookId {\n  return raw as BookId;\n}\n';
    expect(validateDraft({ file: 'src/ids.ts', candidate, provides })).toEqual([]);
  });

  it('refuses an empty answer', () => {
    expect(validateDraft({ file: 'src/ids.ts', candidate: '  \n', provides })).toEqual([
      expect.objectContaining({ message: 'the drafted file is empty' }),
    ]);
  });

  it('reports a syntax error with its line, before anything else', () => {
    const diagnostics = validateDraft({
      file: 'src/ids.ts',
      candidate: 'export const a = 1;\nexport function (((\n',
      provides,
    });
    expect(diagnostics.length).toBeGreaterThan(0);
    expect(diagnostics[0]).toMatchObject({ level: 'atom', file: 'src/ids.ts', line: 2 });
  });

  it('names each provided symbol the file does not export', () => {
    const candidate = 'type BookId = string;\nexport const other = 1;\n';
    expect(
      validateDraft({ file: 'src/ids.ts', candidate, provides }).map((d) => d.message),
    ).toEqual([
      'the task must provide "BookId" (exported), and the file does not define it',
      'the task must provide "newBookId" (exported), and the file does not define it',
    ]);
  });

  it('takes any top-level definition as provided in Python', () => {
    const candidate = 'def new_book_id(raw):\n    return raw\n';
    expect(validateDraft({ file: 'ids.py', candidate, provides: ['new_book_id'] })).toEqual([]);
    expect(validateDraft({ file: 'ids.py', candidate, provides: ['BookId'] })).toHaveLength(1);
  });

  it('runs L2 with the plan files: an import of a file outside the plan is named', () => {
    const candidate =
      "import { newBookId } from './ids.js';\nimport { x } from './nowhere.js';\n" +
      'export const BookId = newBookId;\nexport const newBookId2 = x;\n';
    const diagnostics = validateDraft({
      file: 'src/catalog.ts',
      candidate,
      planFiles: ['src/ids.ts', 'src/catalog.ts'],
    });
    expect(diagnostics).toEqual([
      expect.objectContaining({
        level: 'module',
        line: 2,
        message: expect.stringMatching(/unresolved import/),
      }),
    ]);
    expect(diagnostics[0]).not.toHaveProperty('atomId');
    expect(
      validateDraft({
        file: 'src/catalog.ts',
        candidate,
        planFiles: ['src/ids.ts', 'src/catalog.ts', 'src/nowhere.ts'],
      }),
    ).toEqual([]);
  });
});
